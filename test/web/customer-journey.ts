import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestPublisher } from '../support/publisher.js';
import { openPage, overflowing, screenshot, unlabelledControls, type Screen } from './browser.js';
import { until, type DemoServer } from './demo-fleet.js';

interface Latest {
  readonly ts: string;
  readonly importWh: number;
  readonly exportWh: number | null;
}

/** Sign in with the keyboard only: the key field has the focus, Enter submits. */
export async function signIn(
  page: Page,
  url: string,
  key: string,
  household = 'Demo household 1',
): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('API key').waitFor();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.getByText(`Signed in as ${household}`).waitFor();
}

/** Click a view button and wait until the chart and table show it. */
export async function showView(page: Page, label: 'Hour' | 'Day' | 'Month'): Promise<number> {
  await page.getByRole('button', { name: label, exact: true }).click();
  await page
    .locator(`#consumption-body[data-view=${label.toLowerCase()}][data-state=ready]`)
    .waitFor();
  return page.locator('#consumption-body table tbody tr').count();
}

/**
 * The customer's scenario on a phone (the demo's household 1 allows every view), then the
 * main screen on a desktop.
 */
export async function customerJourney(opts: {
  browser: Browser;
  demo: DemoServer;
  publisher: TestPublisher;
}): Promise<void> {
  const { browser, demo, publisher } = opts;
  const { context, page, errors } = await openPage(browser, 'phone');
  await signIn(page, demo.url, demo.keys.customer);

  const badge = page.locator('#bill-body .badge');
  await badge.waitFor();
  expect(await badge.textContent()).toBe('Estimated');
  expect(await page.locator('#bill-body [data-basis=measured]').textContent()).toMatch(/kWh up to/);
  expect(await page.locator('#bill-body [data-basis=projected]').textContent()).toMatch(
    /kWh to the end of the period/,
  );

  const invoice = page.locator('#invoices-body details[data-invoice]').first();
  await invoice.waitFor();
  expect(await invoice.getAttribute('data-invoice')).toMatch(/^INV-\d{4}-\d{6}$/);
  await invoice.locator('summary').click();
  await invoice.locator('table.lines').waitFor();
  expect(await invoice.locator('table.lines tbody tr').count()).toBeGreaterThan(2);
  expect(await invoice.locator('table.lines').textContent()).toContain('Energy HP');

  await page.locator('#consumption-body[data-state=ready]').waitFor();
  const hours = await showView(page, 'Hour');
  expect(hours).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Earlier day' }).click();
  await page.locator('#consumption-body[data-view=hour][data-state=ready]').waitFor();
  // Yesterday, complete: 24 hours (23 or 25 on a DST change).
  expect(await page.locator('#consumption-body table tbody tr').count()).toBeGreaterThanOrEqual(23);
  await page.getByRole('button', { name: 'Today' }).click();
  expect(await showView(page, 'Month')).toBeGreaterThan(0);
  expect(await showView(page, 'Day')).toBeGreaterThan(0);
  // Today's bucket runs past the latest reading: marked partial, and the
  // legend says what that means.
  expect(await page.locator('#consumption-body .q-partial').count()).toBeGreaterThan(0);
  await screenshot(page, 'customer-chart', 'phone', '#consumption-body');
  expect(await page.locator('#consumption-body .legend li').allTextContents()).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Interpolated/),
      expect.stringMatching(/^Partial/),
    ]),
  );

  // Live: a reading published now shows up without a reload.
  const latest = (await demo.customer<Latest>('GET', '/v1/meters/demo-0001/readings/latest')).body;
  // Off the quarter-hour grid, so that it never collides with the simulator's next live reading.
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const ts = Math.max(
    Date.parse(latest.ts) + 60_000,
    minute % 900_000 === 0 ? minute - 60_000 : minute,
  );
  await publisher.publish(
    'meters/demo-0001/readings',
    JSON.stringify({
      ts: new Date(ts).toISOString(),
      importWh: latest.importWh + 1,
      ...(latest.exportWh === null ? {} : { exportWh: latest.exportWh }),
      powerW: 4321.5,
    }),
  );
  // The page polls; a later simulator reading may overtake ours, so "at least
  // as new" is the condition.
  const shown = await until(
    'the published reading on the page',
    async () => {
      const at = Date.parse((await page.locator('#reading-time').getAttribute('datetime')) ?? '');
      return at >= ts ? at : undefined;
    },
    60_000,
  );
  if (shown === ts) expect(await page.locator('#power-value').textContent()).toBe('4.32 kW');

  expect(await overflowing(page)).toEqual([]);
  expect(await unlabelledControls(page)).toEqual([]);
  await screenshot(page, 'customer-app', 'phone');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  expect(await page.evaluate("sessionStorage.getItem('wattledger.customerKey')")).toBeNull();
  await page.reload();
  await page.getByLabel('API key').waitFor();
  expect(await page.locator('#app').isHidden()).toBe(true);
  expect(errors).toEqual([]);
  await context.close();

  await desktopScreens(browser, demo);
}

async function desktopScreens(
  browser: Browser,
  demo: DemoServer,
  screen: Screen = 'desktop',
): Promise<void> {
  const { context, page, errors } = await openPage(browser, screen);
  await signIn(page, demo.url, demo.keys.customer);
  await page.locator('#consumption-body[data-state=ready]').waitFor();
  await page.locator('#invoices-body details[data-invoice]').first().waitFor();
  await screenshot(page, 'customer-app', screen);
  await page.locator('#invoices-body details[data-invoice] summary').first().click();
  await page.locator('#bill-body summary').click();
  await screenshot(page, 'customer-bill-and-invoice', screen);
  expect(errors).toEqual([]);
  await context.close();
}
