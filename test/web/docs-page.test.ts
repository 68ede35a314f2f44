import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/listen.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { haveChromium, launchChromium, openPage } from './browser.js';

// /docs runs Swagger UI under its Content-Security-Policy: anything the policy blocks shows as a
// console message, which openPage records as an error.
describe.skipIf(!haveChromium())('/docs in Chromium', () => {
  let api: TestApi;
  let server: ServerType;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    api = await createTestApi();
    server = await listen(api.app.fetch, '127.0.0.1', 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/docs`;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await api?.close();
  });

  it('loads Swagger UI and the API description with no CSP violation', async () => {
    const { context, page, errors } = await openPage(browser, 'desktop');
    try {
      const res = await page.goto(url);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByText('wattledger API', { exact: false }).first().waitFor();
      await page.locator('.opblock-summary-path', { hasText: '/v1/customers' }).first().waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
