import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsApp } from '../../src/api/ops-app.js';
import { createLogger } from '../../src/shared/logger.js';
import { ADMIN_KEY, createTestApi, type TestApi } from '../support/api.js';

const auth = { authorization: `Bearer ${ADMIN_KEY}` };

describe('HTTP hygiene', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('sends nosniff on every answer and no-store on every /v1 answer, errors included', async () => {
    for (const [path, headers, status] of [
      ['/v1/customers', auth, 200],
      ['/v1/customers', {}, 401],
      ['/v1/customers/cus_absent', auth, 404],
      ['/v1/meters/x/consumption?from=nope', auth, 400],
    ] as const) {
      const res = await api.app.request(path, { headers });
      expect(res.status, path).toBe(status);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    for (const path of ['/healthz', '/metrics', '/openapi.json', '/docs', '/nowhere']) {
      const res = await api.app.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('cache-control'), path).not.toBe('no-store');
    }
  });

  it('serves /docs under a CSP that allows its own scripts and styles, all of which load', async () => {
    const res = await api.app.request('/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    const html = await res.text();
    // Every script is a file of this server: an inline one would be blocked by script-src 'self'.
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inline] of scripts) {
      expect(inline?.trim()).toBe('');
      expect(attrs).toMatch(/ src="\/docs\//);
    }
    const urls = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls).toContain('/docs/init.js');
    for (const url of urls) {
      const asset = await api.app.request(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(/^text\/(javascript|css)/);
    }
    expect(await (await api.app.request('/docs/init.js')).text()).toContain("'/openapi.json'");
  });

  it('answers 405 problem+json with Allow for a known path under another method', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/v1/customers', 'GET, HEAD, POST'],
      ['PUT', '/v1/meters/m-1', 'GET, HEAD, PATCH'],
      ['POST', '/v1/contracts/ctr_1/bill', 'GET, HEAD'],
      ['PUT', '/healthz', 'GET, HEAD'],
      ['POST', '/docs', 'GET, HEAD'],
      ['DELETE', '/', 'GET, HEAD'],
    ] as const) {
      const res = await api.app.request(path, { method, headers: auth });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'method_not_allowed', status: 405 });
    }
    for (const path of ['/v1/nothing-here', '/nowhere', '/assets/missing-XY.js']) {
      const res = await api.app.request(path, { headers: auth });
      expect(res.status, path).toBe(404);
    }
  });

  it('answers 405 on the ops endpoints of a process without the API too', async () => {
    const app = createOpsApp(
      { registry: new Registry(), probes: {} },
      createLogger('silent'),
      'jobs',
    );
    const res = await app.request('/metrics', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await app.request('/v1/customers')).status).toBe(404);
  });
});

describe('METRICS_TOKEN', () => {
  const token = 'metrics-token-0123456789';
  const ops = { registry: new Registry(), probes: {}, metricsToken: token };

  it('makes /metrics answer only its bearer token, in the API and in an ops-only process', async () => {
    const api = await createTestApi({ deps: { ops } });
    try {
      for (const app of [api.app, createOpsApp(ops, createLogger('silent'), 'ingest')]) {
        for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, auth]) {
          const res = await app.request('/metrics', { headers });
          expect(res.status).toBe(401);
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        }
        const res = await app.request('/metrics', {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        // The other ops endpoints stay open to probes.
        expect((await app.request('/healthz')).status).toBe(200);
      }
    } finally {
      await api.close();
    }
  });

  it('leaves /metrics open when unset', async () => {
    const api = await createTestApi();
    try {
      expect((await api.app.request('/metrics')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
