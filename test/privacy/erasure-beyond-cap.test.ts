import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { type Home, onBothSetups, type PrivacyWorld, storedTs } from './privacy-world.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { expectCall, type Json } from '../api/fleet-fixtures.js';

const EVER = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2100, 0, 1) };

onBothSetups((setup, open) => {
  describe(`erasure and periods held beyond the back-billing cap (${setup})`, () => {
    let w: PrivacyWorld;
    let old: Home;
    let missing: Home;
    let readingsOfOld: number;

    beforeAll(async () => {
      w = await open();
      // January 2025, moved out on the 21st and never settled then.
      old = await w.home('cap-era-old', { startsAt: '2025-01-01T00:00:00+01:00' });
      readingsOfOld = (
        await w.readings('cap-era-old', '2024-12-31T00:00:00Z', '2025-01-25T00:00:00Z')
      ).length;
      w.clock.set('2025-01-22T00:00:00Z');
      await expectCall(w.api, 200, 'POST', '/v1/billing/close', {
        body: { contractId: old.contractId, at: '2025-01-21T00:00:00+01:00' },
      });
      // September 2026, moved out on the 25th; its meter fell silent on the 20th.
      missing = await w.home('cap-era-missing', { startsAt: '2026-09-01T00:00:00+02:00' });
      await w.readings('cap-era-missing', '2026-08-31T00:00:00Z', '2026-09-20T00:00:00Z');
      w.clock.set('2026-09-26T00:00:00Z');
      await expectCall(w.api, 200, 'POST', '/v1/billing/close', {
        body: { contractId: missing.contractId, at: '2026-09-25T00:00:00+02:00' },
      });
      // Past the grace window of September: the cap starts on 2025-08-05.
      w.clock.set('2026-10-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.billing, { actor: 'cron' })).toMatchObject({
        settled: 0,
        held: 1,
        notBilled: 1,
        failed: 0,
      });
      expect(await storedPeriods(w.api.ledger.db, old.contractId)).toMatchObject([
        { status: 'held', holdReason: 'back_billing_cap' },
      ]);
      expect(await storedPeriods(w.api.ledger.db, missing.contractId)).toMatchObject([
        { status: 'held', holdReason: expect.stringMatching(/cap-era-missing/) },
      ]);
    });
    afterAll(async () => {
      await w?.close();
    });

    it('a hold for any other reason still refuses erasure (409): that period may yet be billed', async () => {
      const refused = await w.api.call('POST', `/v1/customers/${missing.customerId}/erase`);
      expect(refused).toMatchObject({ status: 409, body: { code: 'conflict' } });
      expect((refused.body as Json).detail).toMatch(
        /is held \(.*cap-era-missing.*\); it must be settled first/,
      );
      expect(await storedTs(w.api.store, 'cap-era-missing', EVER.from, EVER.to)).not.toEqual([]);
    });

    it('a customer whose only unsettled period is held beyond the cap may be erased: it can never be billed', async () => {
      const done = await expectCall(w.api, 200, 'POST', `/v1/customers/${old.customerId}/erase`);
      expect(done).toMatchObject({
        customerId: old.customerId,
        contractIds: [old.contractId],
        meterIds: ['cap-era-old'],
        readingsRemoved: readingsOfOld,
      });
      expect(await storedTs(w.api.store, 'cap-era-old', EVER.from, EVER.to)).toEqual([]);
      // The period stays as it was: held for good, never invoiced.
      expect(await storedPeriods(w.api.ledger.db, old.contractId)).toMatchObject([
        { status: 'held', holdReason: 'back_billing_cap', invoiceNumber: null },
      ]);
      expect(
        (await expectCall(w.api, 200, 'GET', `/v1/contracts/${old.contractId}/invoices`)).items,
      ).toEqual([]);
      // Its bill needs no reading: it bills nothing, and says why, to staff as to anyone.
      const bill = await expectCall(
        w.api,
        200,
        'GET',
        `/v1/contracts/${old.contractId}/bill?at=2025-01-10T00:00:00Z`,
        { key: await w.staffKey() },
      );
      expect(bill).toMatchObject({
        status: 'held',
        holdReason: 'back_billing_cap',
        lines: [],
        subtotal: '0.00',
        total: '0.00',
        basis: { measuredImportWh: 0, projectedImportWh: 0, asOf: null },
      });
      // The next run leaves it alone: nothing is counted, held or failed for it.
      expect(await runSettlement(w.deps, w.billing, { actor: 'cron' })).toMatchObject({
        settled: 0,
        held: 1,
        notBilled: 0,
        failed: 0,
      });
    });
  });
});
