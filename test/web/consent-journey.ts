import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { openPage, screenshot } from './browser.js';
import { showView, signIn } from './customer-journey.js';
import type { DemoServer } from './demo-fleet.js';

interface Contract {
  readonly id: string;
  readonly customerId: string;
  readonly consent?: string;
}
interface Customer {
  readonly id: string;
  readonly name: string;
}

/**
 * A household whose consent is `month` (the demo seeds consents round robin): the finer views
 * answer 403 `consent_required`, which the app shows with the API's reason and disables; after the
 * customer allows daily data under "Your data", the day view works and the hour view is still
 * refused. On a server without consents every view is allowed and there is nothing to check.
 */
export async function consentJourney(opts: { browser: Browser; demo: DemoServer }): Promise<void> {
  const { browser, demo } = opts;
  const contracts = (await demo.staff<{ items: Contract[] }>('GET', '/v1/contracts')).body.items;
  const monthly = contracts.find((c) => c.consent === 'month');
  if (contracts[0]?.consent === undefined) return;
  if (monthly === undefined) throw new Error('the demo has no household with a month consent');
  const customer = (await demo.staff<Customer>('GET', `/v1/customers/${monthly.customerId}`)).body;
  const key = (
    await demo.admin<{ key: string }>('POST', '/v1/api-keys', {
      role: 'customer',
      customerId: customer.id,
    })
  ).body.key;

  const { context, page, errors } = await openPage(browser, 'phone');
  await signIn(page, demo.url, key, customer.name);
  // The first view shown is one the consent allows.
  await page.locator('#consumption-body[data-view=month][data-state=ready]').waitFor();
  await page.locator('#now-body', { hasText: 'Live power is not available' }).waitFor();

  await page.getByRole('button', { name: 'Hour', exact: true }).click();
  await page.locator('#consumption-body[data-view=hour][data-state=refused]').waitFor();
  const reason = await page.locator('#consumption-body .notice-error').textContent();
  expect(reason).toMatch(/This view is not available: .*"interval".*You can change what you allow/);
  await screenshot(page, 'customer-consent-refused', 'phone', '#consumption-body');
  await showView(page, 'Month');
  expect(await page.getByRole('button', { name: 'Hour', exact: true }).isDisabled()).toBe(true);

  await page.getByLabel('Daily totals').check();
  await page.getByRole('button', { name: 'Save choice' }).click();
  await page.locator('#consumption-body[data-view=day][data-state=ready]').waitFor();
  expect((await demo.staff<Contract>('GET', `/v1/contracts/${monthly.id}`)).body.consent).toBe(
    'day',
  );
  await page.getByRole('button', { name: 'Hour', exact: true }).click();
  await page.locator('#consumption-body[data-view=hour][data-state=refused]').waitFor();
  expect(errors).toEqual([]);
  await context.close();
}
