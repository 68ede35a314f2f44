import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterLookup, METER_LOOKUP_TTL_MS } from '../../src/fleet/meter-lookup.js';
import { createMeter } from '../../src/fleet/meters-repo.js';
import { billingWorld, type BillingWorld } from '../support/billing-fixture.js';

/** The API's remembered meter lookups, against a real SQLite ledger and a manual clock. */
describe('meterLookup', () => {
  let w: BillingWorld;
  let owner: string;
  let contractId: string;
  const all = { all: true } as const;
  const setConsent = (consent: string) =>
    w.ledger.db.updateTable('contracts').set({ consent }).where('id', '=', contractId).execute();

  beforeAll(async () => {
    w = await billingWorld();
    ({ customerId: owner, contractId } = await w.contract(
      '2026-01-01T00:00:00+01:00',
      ['look-1'],
      'Asia/Kathmandu',
    ));
  });
  afterAll(async () => {
    await w.close();
  });

  it("answers the meter with its contract's customer, zone and consent, and remembers it for the TTL", async () => {
    const meters = meterLookup(w.deps);
    expect(await meters.get(all, 'look-1')).toMatchObject({
      id: 'look-1',
      contractId,
      customerId: owner,
      timezone: 'Asia/Kathmandu',
      consent: 'month',
    });
    await setConsent('interval'); // as another API process would
    w.clock.advance(METER_LOOKUP_TTL_MS - 1);
    expect((await meters.get(all, 'look-1')).consent).toBe('month');
    w.clock.advance(1);
    expect((await meters.get(all, 'look-1')).consent).toBe('interval');
  });

  it('forgets at once when told (a consent changed in this process)', async () => {
    const meters = meterLookup(w.deps);
    await setConsent('day');
    expect((await meters.get(all, 'look-1')).consent).toBe('day');
    await setConsent('month');
    meters.forget();
    expect((await meters.get(all, 'look-1')).consent).toBe('month');
  });

  it('checks visibility on every answer: another customer gets the 404 of an absent meter', async () => {
    const meters = meterLookup(w.deps);
    expect((await meters.get({ all: false, customerId: owner }, 'look-1')).id).toBe('look-1');
    await expect(
      meters.get({ all: false, customerId: 'someone-else' }, 'look-1'),
    ).rejects.toMatchObject({ code: 'not_found', message: 'no meter look-1' });
  });

  it('does not remember absent meters: one registered a moment later is found at once', async () => {
    const meters = meterLookup(w.deps);
    await expect(meters.get(all, 'look-2')).rejects.toMatchObject({ code: 'not_found' });
    await createMeter(w.deps, {
      id: 'look-2',
      contractId,
      installedAt: Date.parse('2026-01-01T00:00:00Z'),
      maxPowerW: null,
    });
    expect((await meters.get(all, 'look-2')).id).toBe('look-2');
  });
});
