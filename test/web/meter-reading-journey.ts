import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { toLocalInput } from '../../web/src/shared/tz.js';
import { whToKwhText } from '../../web/src/customer/reading-index.js';
import { openPage, overflowing, screenshot, unlabelledControls } from './browser.js';
import { signIn } from './customer-journey.js';
import { until, type DemoServer } from './demo-fleet.js';

interface Contract {
  readonly id: string;
  readonly customerId: string;
  readonly consent?: string;
  readonly timezone: string;
}
interface Latest {
  readonly ts: string;
  readonly importWh: number;
  readonly source?: string;
}

/**
 * A customer whose meter (in the demo, still reporting) is read by hand: the form shows the last
 * known index, refuses what is not an index in the browser and shows the API's reason for an index
 * below the stored one, then records one; the staff console lists it under customers. A household
 * of its own (another that allows `interval`), so the other journeys' meter is left alone.
 */
export async function meterReadingJourney(opts: {
  browser: Browser;
  demo: DemoServer;
}): Promise<void> {
  const { browser, demo } = opts;
  const contracts = (await demo.staff<{ items: Contract[] }>('GET', '/v1/contracts')).body.items;
  const demoHousehold = new Set(
    (await demo.customer<{ items: Contract[] }>('GET', '/v1/contracts')).body.items.map(
      (c) => c.id,
    ),
  );
  const contract = contracts.find(
    (c) => (c.consent === undefined || c.consent === 'interval') && !demoHousehold.has(c.id),
  );
  if (contract === undefined) throw new Error('the demo has no other household allowing interval');
  const customer = (
    await demo.staff<{ id: string; name: string }>('GET', `/v1/customers/${contract.customerId}`)
  ).body;
  // The meter in service: a demo household may have had its meter exchanged.
  const meterId = (
    await demo.staff<{ items: { id: string; removedAt: string | null }[] }>(
      'GET',
      `/v1/meters?contractId=${contract.id}`,
    )
  ).body.items.find((m) => m.removedAt === null)?.id;
  if (meterId === undefined) throw new Error(`contract ${contract.id} has no meter`);
  const key = (
    await demo.admin<{ key: string }>('POST', '/v1/api-keys', {
      role: 'customer',
      customerId: customer.id,
    })
  ).body.key;
  const latest = async () =>
    (await demo.staff<Latest>('GET', `/v1/meters/${meterId}/readings/latest`)).body;

  const { context, page, errors } = await openPage(browser, 'phone');
  await signIn(page, demo.url, key, customer.name);
  const form = page.locator('#meter-reading');
  await form.getByRole('heading', { name: 'Submit a meter reading' }).waitFor();
  await page.locator('#last-index-value').waitFor();
  expect(Number(await page.locator('#last-index-value').getAttribute('data-wh'))).toBeGreaterThan(
    0,
  );
  expect(await unlabelledControls(page)).toEqual([]);

  // Not an index: refused in the browser, nothing sent.
  await page.getByLabel('Index (kWh)').fill('twelve');
  await page.getByRole('button', { name: 'Submit reading' }).click();
  await page
    .locator('#reading-status .notice-error', { hasText: 'Enter the index in kWh' })
    .waitFor();
  expect(await page.getByLabel('Index (kWh)').getAttribute('aria-invalid')).toBe('true');

  // Below the meter's latest index: the API's reason is shown.
  const before = await latest();
  await page.getByLabel('Index (kWh)').fill(whToKwhText(before.importWh - 1000));
  await page.getByLabel('Read at').fill(toLocalInput(Date.now() + 60_000, contract.timezone));
  await page.getByRole('button', { name: 'Submit reading' }).click();
  await page
    .locator('#reading-status .notice-error', { hasText: 'Your reading was not recorded' })
    .waitFor();
  expect(await page.locator('#reading-status').textContent()).toMatch(/below/);
  await screenshot(page, 'customer-meter-reading-refused', 'phone', '#meter-reading');

  // One Wh above the latest index, a minute from now (the meter keeps reporting: should a new
  // reading overtake this one before it is sent, try again above that one).
  const entered = await until(
    'a meter reading accepted',
    async () => {
      const now = await latest();
      const wh = now.importWh + 1;
      await page.getByLabel('Index (kWh)').fill(whToKwhText(wh));
      await page.getByLabel('Read at').fill(toLocalInput(Date.now() + 60_000, contract.timezone));
      await page.getByLabel('Note (optional)').fill('read by hand in the browser test');
      await page.getByRole('button', { name: 'Submit reading' }).click();
      await page.locator('#reading-status .notice').waitFor();
      const text = (await page.locator('#reading-status').textContent()) ?? '';
      return text.startsWith('Thank you') ? wh : undefined;
    },
    60_000,
  );
  await page.locator('#last-index-value', { hasText: `${whToKwhText(entered)} kWh` }).waitFor();
  expect(await page.locator('#last-index').textContent()).toContain('(entered by you)');
  expect(await latest()).toMatchObject({ importWh: entered, source: 'customer' });
  expect(await overflowing(page)).toEqual([]);
  await screenshot(page, 'customer-meter-reading', 'phone', '#meter-reading');
  expect(errors).toEqual([]);
  await context.close();

  // Staff see it among the readings customers entered.
  const desk = await openPage(browser, 'desktop');
  await desk.page.goto(`${demo.url}/staff`);
  await desk.page.getByLabel('Staff API key').fill(demo.keys.staff);
  await desk.page.getByLabel('Staff API key').press('Enter');
  await desk.page.locator('#console[data-state=ready]').waitFor();
  await desk.page.getByLabel('Entered by').selectOption('customer');
  const row = desk.page.locator('#people-readings-body tr', { hasText: meterId });
  await row.first().waitFor();
  expect(await row.first().textContent()).toContain('read by hand in the browser test');
  await screenshot(desk.page, 'staff-people-readings', 'desktop', '#people-readings');
  await desk.page.getByLabel('Entered by').selectOption('staff');
  await desk.page.getByText('Staff have entered or corrected no reading.').waitFor();
  expect(desk.errors).toEqual([]);
  await desk.context.close();
}
