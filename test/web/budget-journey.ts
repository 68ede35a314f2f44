import { Decimal } from 'decimal.js';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openPage, screenshot, unlabelledControls } from './browser.js';
import { signIn } from './customer-journey.js';
import type { DemoServer } from './demo-fleet.js';

interface Range {
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}
interface Bill {
  readonly status: string;
  readonly total: string;
  readonly currency: string;
  readonly estimate?: Range;
}

/** Type a budget and save it; resolve once the page shows where the estimate stands. */
async function setBudget(page: Page, amount: string): Promise<string | null> {
  await page.getByLabel(/Monthly budget/).fill(amount);
  await page.getByRole('button', { name: 'Save budget' }).click();
  await page.locator('#budget-help', { hasText: `Your budget is ${amount}` }).waitFor();
  return page.locator('#budget-state').getAttribute('data-budget');
}

/**
 * The customer sees the estimate's range ("between … and … EUR, most likely …"), sets a monthly
 * budget, and is warned when the most likely total passes it and, more strongly, when even the low
 * end does; removing it removes the warning. Times shown are in the contract's zone even in a
 * browser set to another one.
 */
export async function budgetJourney(opts: { browser: Browser; demo: DemoServer }): Promise<void> {
  const { browser, demo } = opts;
  // A browser in New York: the app must still show the contract's Paris times.
  const { context, page, errors } = await openPage(browser, 'phone', 'America/New_York');
  await signIn(page, demo.url, demo.keys.customer);
  const contract = (await demo.customer<{ items: { id: string }[] }>('GET', '/v1/contracts')).body
    .items[0];
  const bill = (await demo.customer<Bill>('GET', `/v1/contracts/${contract?.id}/bill`)).body;
  expect(bill.status).toBe('estimated');
  const range = bill.estimate;
  expect(range, 'the estimated bill carries its range').toBeDefined();
  if (range === undefined) return;
  expect(range.p50).toBe(bill.total);

  const shown = page.locator('#bill-range');
  await shown.waitFor();
  expect(await shown.textContent()).toContain(
    `between ${range.p10.replace('-', '−')} and ${range.p90.replace('-', '−')} ${bill.currency}, most likely ${range.p50.replace('-', '−')}`,
  );

  const cents = (d: Decimal) => d.toFixed(2);
  // Below even the low end: almost certainly over.
  expect(await setBudget(page, cents(new Decimal(range.p10).minus(1)))).toBe('over');
  expect(await page.locator('#budget-state').textContent()).toMatch(/almost certainly pass/);
  expect(await page.locator('#budget-state').getAttribute('role')).toBe('alert');
  await screenshot(page, 'customer-budget-over', 'phone', '#bill-body');
  // Between the low end and the most likely total: probably over.
  if (new Decimal(range.p50).minus(range.p10).greaterThan('0.01')) {
    expect(await setBudget(page, cents(new Decimal(range.p50).minus('0.01')))).toBe('likely-over');
    expect(await page.locator('#budget-state').textContent()).toMatch(/probably pass/);
  }
  // Above the high end: within.
  expect(await setBudget(page, cents(new Decimal(range.p90).plus(1)))).toBe('within');
  expect(await unlabelledControls(page)).toEqual([]);
  // What the API holds is what the page showed.
  expect(
    (await demo.customer<{ amount: string }>('GET', `/v1/contracts/${contract?.id}/budget`)).body
      .amount,
  ).toBe(cents(new Decimal(range.p90).plus(1)));
  await page.getByRole('button', { name: 'Remove budget' }).click();
  await page.locator('#budget-help', { hasText: 'Set an amount' }).waitFor();
  expect(await page.locator('#budget-state').count()).toBe(0);

  // The "updated" stamp beside live power: Paris time, whatever the browser's zone.
  const updated = page.locator('#updated-time');
  await updated.waitFor();
  const at = Date.parse((await updated.getAttribute('datetime')) ?? '');
  expect(await updated.textContent()).toBe(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeStyle: 'medium' }).format(at),
  );
  expect(errors).toEqual([]);
  await context.close();
}
