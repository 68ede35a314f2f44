import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { toLocalInput } from '../../web/src/shared/tz.js';
import { connectPublisher, TEST_METER_SECRET } from '../support/publisher.js';
import {
  haveChromium,
  launchChromium,
  openPage,
  overflowing,
  screenshot,
  unlabelledControls,
} from './browser.js';
import { startDemoServer, until, type DemoServer } from './demo-fleet.js';
import { budgetJourney } from './budget-journey.js';
import { consentJourney } from './consent-journey.js';
import { customerJourney } from './customer-journey.js';
import { meterReadingJourney } from './meter-reading-journey.js';

const available = haveChromium();

interface Item {
  readonly id: string;
}
interface Contract extends Item {
  readonly startsAt: string;
  readonly endsAt: string | null;
}
interface Period {
  readonly status: string;
  readonly end: string;
  readonly invoiceNumber: string | null;
}
interface Invoice {
  readonly number: string;
  readonly period: { readonly end: string };
}
interface Bill {
  readonly basis: { readonly asOf: string };
}

// End to end in Debian's Chromium: the web app as built by `npm run build`, served by
// wattledger with the demo fleet. Browser steps wait on page conditions (data-state
// attributes, texts), never on time.
describe.skipIf(!available)('web app in Chromium against the demo fleet', () => {
  let demo: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildWeb();
    [demo, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.instance.stop();
  });

  it('refuses a customer key at the staff console, and the API refuses it too', async () => {
    const { context, page, errors } = await openPage(browser, 'phone');
    await page.goto(`${demo.url}/staff`);
    await page.getByLabel('Staff API key').fill(demo.keys.customer);
    await page.getByLabel('Staff API key').press('Enter');
    await page.locator('#refusal').waitFor();
    expect(await page.locator('#refusal-text').textContent()).toMatch(
      /belongs to a customer.*staff or admin key/,
    );
    expect(await page.locator('#console').isHidden()).toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('wattledger.staffKey')")).toBeNull();
    await screenshot(page, 'staff-refusal', 'phone');
    expect((await demo.customer('GET', '/v1/billing/summary?month=2026-11')).status).toBe(403);
    expect((await demo.customer('POST', '/v1/billing/settle', {})).status).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows a customer live power, the chart in hour/day/month views, the estimated bill and a settled invoice', async () => {
    // Settlement by staff first: the demo contracts began 61 days ago, so
    // their past periods are due.
    const run = await demo.staff<{ settled: number }>('POST', '/v1/billing/settle', {});
    expect(run.status).toBe(200);
    const contract = (await demo.customer<{ items: Contract[] }>('GET', '/v1/contracts')).body
      .items[0];
    if (contract === undefined) throw new Error('the demo customer has no contract');
    const periods = (
      await demo.customer<{ items: Period[] }>('GET', `/v1/contracts/${contract.id}/periods`)
    ).body.items;
    expect(periods[0]?.status).toBe('open');
    expect(periods.filter((p) => p.status === 'settled').length).toBeGreaterThan(0);

    const publisher = await connectPublisher(
      demo.instance.running.mqttUrl,
      undefined,
      TEST_METER_SECRET,
    );
    try {
      await customerJourney({ browser, demo, publisher });
    } finally {
      await publisher.close();
    }
  }, 300_000);

  it("shows a customer the estimate's range and warns when it passes the budget, in the contract's zone", async () => {
    await budgetJourney({ browser, demo });
  }, 180_000);

  it("disables a view the contract's consent does not allow, with the API's reason, until the customer allows it", async () => {
    await consentJourney({ browser, demo });
  }, 180_000);

  it('lets a customer submit a meter reading and staff list it by source', async () => {
    await meterReadingJourney({ browser, demo });
  }, 180_000);

  it('lets staff record a move-out, settle, see the invoice, force-settle a held period and read rejections', async () => {
    // A household whose contract has no meter: its ended periods are held until staff force them.
    const tariff = (await demo.admin<{ items: Item[] }>('GET', '/v1/tariffs')).body.items[0];
    const late = (await demo.admin<Item>('POST', '/v1/customers', { name: 'Late household' })).body;
    const first = (await demo.staff<{ items: Contract[] }>('GET', '/v1/contracts')).body.items[0];
    const lateContract = (
      await demo.admin<Item>('POST', '/v1/contracts', {
        customerId: late.id,
        tariffId: tariff?.id,
        timezone: 'Europe/Paris',
        startsAt: first?.startsAt,
      })
    ).body;
    // A malformed message: a rejection with its raw payload.
    const publisher = await connectPublisher(
      demo.instance.running.mqttUrl,
      undefined,
      TEST_METER_SECRET,
    );
    await publisher.publish('meters/demo-0003/readings', 'not json {');
    await publisher.close();
    await until('the rejection', async () =>
      (await demo.staff<{ items: Item[] }>('GET', '/v1/ingest/rejections?reason=invalid_json')).body
        .items.length > 0
        ? true
        : undefined,
    );

    // Household 2 moves out an hour before its latest reading, on the quarter-hour grid.
    const meter = (await demo.staff<{ contractId: string }>('GET', '/v1/meters/demo-0002')).body;
    const asOf = Date.parse(
      (await demo.staff<Bill>('GET', `/v1/contracts/${meter.contractId}/bill`)).body.basis.asOf,
    );
    // An hour before it, but inside the open period (which may have begun less than an hour ago).
    const open = (
      await demo.staff<{ items: (Period & { start: string })[] }>(
        'GET',
        `/v1/contracts/${meter.contractId}/periods`,
      )
    ).body.items[0];
    const moveOutAt = Math.max(
      Math.floor(asOf / 900_000) * 900_000 - 3_600_000,
      Date.parse(open?.start ?? '') + 900_000,
    );

    const { context, page, errors } = await openPage(browser, 'desktop');
    await page.goto(`${demo.url}/staff`);
    await page.getByLabel('Staff API key').fill(demo.keys.staff);
    await page.getByLabel('Staff API key').press('Enter');
    const ready = () => page.locator('#console[data-state=ready]').waitFor();
    await ready();
    expect(
      await page.locator('#summary-body [data-revenue=estimated] strong').textContent(),
    ).toMatch(/EUR/);
    expect(await unlabelledControls(page)).toEqual([]);
    // The month's revenue: the chart, the figures, and why they cannot be exact yet.
    await page.locator('#revenue-body[data-state=ready] #revenue-chart canvas').first().waitFor();
    expect(await page.locator('#revenue-why').textContent()).toMatch(
      /cannot be exact yet: some of the month's billing periods are still open/,
    );
    expect(await page.locator('#revenue-now [data-revenue-now=total]').textContent()).toMatch(
      /EUR \(between .* EUR and .* EUR\)/,
    );
    await screenshot(page, 'staff-revenue', 'desktop', '#revenue-body');

    await page.getByLabel('Contract').selectOption(meter.contractId);
    await page.getByLabel('Move-out date and time').fill(toLocalInput(moveOutAt, 'Europe/Paris'));
    await page.getByRole('button', { name: 'Record move-out…' }).click();
    const moveOutDialog = page.getByRole('dialog', { name: 'Record this move-out?' });
    await moveOutDialog.waitFor();
    await screenshot(page, 'staff-confirm', 'desktop', '#actions-body');
    await page.keyboard.press('Escape');
    await moveOutDialog.waitFor({ state: 'detached' });
    expect(
      (await demo.staff<Contract>('GET', `/v1/contracts/${meter.contractId}`)).body.endsAt,
    ).toBeNull();
    await page.getByRole('button', { name: 'Record move-out…' }).click();
    await moveOutDialog.getByRole('button', { name: 'Record move-out' }).click();
    await page.locator('#action-status', { hasText: 'Move-out recorded' }).waitFor();
    expect(
      Date.parse(
        (await demo.staff<Contract>('GET', `/v1/contracts/${meter.contractId}`)).body.endsAt ?? '',
      ),
    ).toBe(moveOutAt);

    await ready();
    await page.getByRole('button', { name: 'Settle now…' }).click();
    await page
      .getByRole('dialog', { name: 'Settle now?' })
      .getByRole('button', { name: 'Settle now' })
      .click();
    await page.locator('#action-status', { hasText: 'Settlement run' }).waitFor();
    const invoices = (
      await demo.staff<{ items: Invoice[] }>('GET', `/v1/contracts/${meter.contractId}/invoices`)
    ).body.items;
    const moveOutInvoice = invoices.find((i) => Date.parse(i.period.end) === moveOutAt);
    expect(moveOutInvoice).toBeDefined();
    await page
      .locator('#latest-invoices-body tr', { hasText: moveOutInvoice?.number ?? '?' })
      .waitFor();

    const heldRow = page.locator('#periods-body tr', { hasText: 'Late household' }).first();
    await heldRow.waitFor();
    expect(await heldRow.textContent()).toContain('no meter is attached');
    const rejection = page.locator('#rejections-body details[data-rejection=invalid_json]').first();
    expect(await rejection.locator('pre').textContent()).toBe('not json {');
    await screenshot(page, 'staff-console', 'desktop');

    // One button per held period; each settles the contract's held periods.
    await page.locator(`button[data-force-settle="${lateContract.id}"]`).first().click();
    await page
      .getByRole('dialog', { name: 'Force settlement?' })
      .getByRole('button', { name: 'Force settle' })
      .click();
    await page
      .locator('#action-status', { hasText: 'Force settlement of Late household' })
      .waitFor();
    await page.locator('#latest-invoices-body tr', { hasText: 'Late household' }).first().waitFor();
    await page.getByText('No period is held.').waitFor();
    expect(errors).toEqual([]);
    await context.close();

    const phone = await openPage(browser, 'phone');
    await phone.page.goto(`${demo.url}/staff`);
    await phone.page.getByLabel('Staff API key').fill(demo.keys.staff);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.locator('#console[data-state=ready]').waitFor();
    expect(await overflowing(phone.page)).toEqual([]);
    await screenshot(phone.page, 'staff-console', 'phone');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  }, 300_000);
});
