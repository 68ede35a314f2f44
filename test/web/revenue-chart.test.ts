import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { listen } from '../../src/listen.js';
import { manualClock } from '../../src/shared/clock.js';
import { create, createKey, DESIGN_TARIFF, expectCall, idOf } from '../api/fleet-fixtures.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { haveChromium, launchChromium, openPage, overflowing, screenshot } from './browser.js';

const available = haveChromium();
const DAY = 86_400_000;
const HOUR = 3_600_000;

// A month as it happened: eight households whose meters upload once a day (each reading received
// at the end of its day), an October that ends, waits out its grace window and settles on
// 4 November, one household held for want of an end reading. The console asks the state of
// revenue at every midnight of it afterwards, and each answer is what was known that day.
describe.skipIf(!available)("the staff console's revenue chart over a month that happened", () => {
  let api: TestApi;
  let server: ServerType;
  let url: string;
  let browser: Browser;
  let staff: string;
  const clock = manualClock('2026-09-20T00:00:00Z');

  beforeAll(async () => {
    await buildWeb();
    [api, browser] = await Promise.all([createTestApi({ clock }), launchChromium()]);
    server = await listen(api.app.fetch, '127.0.0.1', 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
    const start = Date.parse('2026-09-25T00:00:00Z');
    for (let i = 0; i < 8; i += 1) {
      const customerId = idOf(await create(api, '/v1/customers', { name: `Household ${i + 1}` }));
      const contractId = idOf(
        await create(api, '/v1/contracts', {
          customerId,
          tariffId,
          timezone: 'Europe/Paris',
          startsAt: '2026-10-01T00:00:00+02:00',
        }),
      );
      // Under `month` consent an estimate measures nothing of the open month: its band could not
      // narrow. These households share their 15-minute data.
      await expectCall(api, 200, 'PUT', `/v1/contracts/${contractId}/consent`, {
        body: { granularity: 'interval' },
      });
      await create(api, '/v1/meters', {
        id: `chart-${i}`,
        contractId,
        installedAt: '2026-09-20T00:00:00Z',
      });
      // Household 8 goes silent on 30 October: its October is held.
      const last =
        i === 7 ? Date.parse('2026-10-30T00:00:00Z') : Date.parse('2026-11-05T00:00:00Z');
      // Evenings heavier than nights, more in late October than early: the band has work to do.
      let wh = 0;
      const readings = [];
      for (let ts = start; ts <= last; ts += HOUR) {
        const hour = new Date(ts).getUTCHours();
        const season = 1 + (ts - start) / (40 * DAY);
        wh += Math.round((hour >= 16 && hour < 21 ? 900 : 250) * season * (1 + i / 10));
        readings.push({
          meterId: `chart-${i}`,
          ts,
          importWh: wh,
          receivedAt: Math.ceil((ts + 1) / DAY) * DAY,
        });
      }
      await api.store.writeBatch(readings);
    }
    staff = await createKey(api, 'staff');
    clock.set('2026-11-04T09:00:00Z');
    expect(await expectCall(api, 200, 'POST', '/v1/billing/settle')).toMatchObject({
      settled: 7,
      held: 1,
    });
    clock.set('2026-11-05T10:00:00Z');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await api?.close();
  });

  it('draws settled money growing and the estimated band narrowing to settlement, with why', async () => {
    const { context, page, errors } = await openPage(browser, 'desktop');
    await page.goto(`${url}/staff`);
    await page.getByLabel('Staff API key').fill(staff);
    await page.getByLabel('Staff API key').press('Enter');
    await page.locator('#console[data-state=ready]').waitFor();
    await page.locator('#summary-month').fill('2026-10');
    await page.locator('#summary-month').dispatchEvent('change');
    await page.locator('#revenue-body[data-state=ready] #revenue-chart canvas').first().waitFor();
    await page.locator('#revenue-why', { hasText: 'is held until staff' }).waitFor();
    expect(await page.locator('#revenue-why').textContent()).toMatch(
      /^This cannot be exact yet: the month has ended, but [\d.]+ EUR is held until staff resolve why it could not be settled\.$/,
    );
    // Each midnight of October and the grace window, and now.
    const rows = page.locator('#revenue-body details tbody tr');
    expect(await rows.count()).toBe(37);
    const cells = async (i: number) => rows.nth(i).locator('td').allTextContents();
    const width = (cs: string[]) => {
      const [lo, hi] = (cs[3] ?? '').split(' – ').map((s) => Number.parseFloat(s));
      return (hi ?? 0) - (lo ?? 0);
    };
    // The band narrows as October runs out, and is gone once the month has ended.
    expect(width(await cells(3))).toBeGreaterThan(width(await cells(25)));
    expect(width(await cells(25))).toBeGreaterThan(0);
    expect(width(await cells(32))).toBe(0);
    // Nothing settled before 4 November; after it, what is settled is what was invoiced.
    expect((await cells(33))[0]).toBe('0.00 EUR');
    const revenue = await expectCall(api, 200, 'GET', '/v1/billing/revenue?month=2026-10', {
      key: staff,
    });
    expect((await cells(36))[0]).toBe(
      `${(revenue.currencies as { settled: string }[])[0]?.settled} EUR`,
    );
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'staff-revenue-month', 'desktop', '#revenue-body');
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});
