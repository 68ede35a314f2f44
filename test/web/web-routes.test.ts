import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoutes } from '../../src/web/web-routes.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { tempDir } from '../support/instance.js';

describe('web routes (static customer app and staff console)', () => {
  const tmp = tempDir('wl-web-');
  beforeAll(() => {
    mkdirSync(path.join(tmp.dir, 'assets'));
    writeFileSync(path.join(tmp.dir, 'index.html'), '<!doctype html><title>customer</title>');
    writeFileSync(path.join(tmp.dir, 'staff.html'), '<!doctype html><title>staff</title>');
    writeFileSync(path.join(tmp.dir, 'assets/customer-AB12.js'), 'console.log(1)');
    writeFileSync(path.join(tmp.dir, 'assets/customer-AB12.css'), 'body{}');
    writeFileSync(path.join(tmp.dir, 'assets/customer-AB12.js.map'), '{}');
    writeFileSync(path.join(tmp.dir, 'assets/notes.txt'), 'not an asset type');
  });
  afterAll(() => tmp.cleanup());
  const web = () => webRoutes({ dir: tmp.dir });

  it('serves the pages with no-cache, an ETag and a same-origin CSP; a matching If-None-Match gets 304', async () => {
    const app = web();
    for (const [url, title] of [
      ['/', 'customer'],
      ['/staff', 'staff'],
      ['/staff/', 'staff'],
    ] as const) {
      const res = await app.request(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(await res.text()).toContain(`<title>${title}</title>`);
      const again = await app.request(url, {
        headers: { 'if-none-match': res.headers.get('etag') ?? '' },
      });
      expect(again.status).toBe(304);
    }
  });

  it('serves hashed assets with their content type and a year of immutable caching', async () => {
    const app = web();
    const cases = [
      ['customer-AB12.js', 'text/javascript; charset=utf-8'],
      ['customer-AB12.css', 'text/css; charset=utf-8'],
    ];
    for (const [name, type] of cases) {
      const res = await app.request(`/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses unknown types (source maps too), missing files and paths out of the folder', async () => {
    const app = web();
    for (const url of [
      '/assets/notes.txt',
      '/assets/customer-AB12.js.map',
      '/assets/missing-XY.js',
      '/assets/..%2Findex.html',
      '/assets/%2e%2e/staff.html',
      '/staffx',
      '/index.html',
    ]) {
      expect((await app.request(url)).status, url).toBe(404);
    }
  });

  it('answers 503 with a hint when the web app was not built', async () => {
    const res = await webRoutes({ dir: path.join(tmp.dir, 'absent') }).request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('web routes mounted in the app', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('take / and /staff, and leave the API, docs, ops routes and unknown paths to the app', async () => {
    // 200 once `npm run build` has run, 503 with a hint before: either way an HTML
    // page, never the API's 404.
    for (const url of ['/', '/staff']) {
      const res = await api.app.request(url);
      expect([200, 503]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expect(await api.call('GET', '/v1/contracts', { key: null })).toMatchObject({
      status: 401,
      type: 'application/problem+json',
    });
    expect((await api.call('GET', '/openapi.json')).type).toMatch(/^application\/json/);
    expect((await api.call('GET', '/docs')).type).toMatch(/^text\/html/);
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect((await api.call('GET', '/metrics')).type).toMatch(/^text\/plain/);
    expect(await api.call('GET', '/nope')).toMatchObject({
      status: 404,
      type: 'application/problem+json',
    });
    expect(await api.call('GET', '/assets/nope.js')).toMatchObject({
      status: 404,
      type: 'application/problem+json',
    });
    expect(await api.call('GET', '/staff/nope')).toMatchObject({
      status: 404,
      type: 'application/problem+json',
    });
  });
});
