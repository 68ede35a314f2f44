import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { auditOf } from '../../src/audit/audit-log.js';
import { contractPeriods } from '../../src/billing/bill-view.js';
import { billingSummary } from '../../src/billing/billing-summary.js';
import { invoicesOf, type Invoice } from '../../src/billing/records/invoices-repo.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { moveOut } from '../../src/billing/settlement/close-periods.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { readingChangesOf } from '../../src/ingest/reading-changes-of.js';
import type { LedgerDatabase } from '../../src/ledger/schema.js';
import { lateSpans } from '../../src/readings/changes/late-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import type { Reading } from '../../src/readings/reading.js';
import { type BillingWorld, HOUR, Q, t } from '../support/billing-fixture.js';

/** What ingest records when it stores `readings` at `at`: the late ones in the change feed. */
const recordLateReadings = (db: Kysely<LedgerDatabase>, readings: Reading[], at: number) =>
  recordReadingChanges(db, readingChangesOf(readings, lateSpans(readings, at), new Map(), at), at);

/** An invoice's lines as [description, quantity, unitPrice, amount]. */
const brief = (i: Invoice | undefined) =>
  i?.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.amount]);

const ALL = { all: true } as const;
const CAP_NOTE = ' (back-billing cap: from 2025-03-15 13:00)';

/**
 * The back-billing cap on first invoices (docs/design.md §8 Settlement) with an injected clock, on
 * a real ledger (`open` gives SQLite or PostgreSQL) and the real embedded readings store. Every
 * figure is computed by hand from the docs/design.md §5 tariff (HP 0.2081, HC 0.1635 from 22:00 to
 * 06:00, standing 0.4512 a day, excise 0.0225 a kWh, VAT 20 %) and a steady 1 kW.
 */
export function describeBackBillingCap(name: string, open: () => Promise<BillingWorld>): void {
  describe(`back-billing cap on first invoices (${name})`, () => {
    it('never invoices a period that ended beyond the cap: held back_billing_cap, counted once in notBilled, not even forced', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2025-01-01T00:00:00+01:00', ['cap-old']);
        await w.readings('cap-old', '2024-12-31T00:00:00Z', '2025-01-25T00:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        // Moved out on 21 January 2025 (local midnight); nobody settled it then.
        w.clock.set('2025-01-22T00:00:00Z');
        await moveOut(w.deps, { contractId, at: t('2025-01-20T23:00:00Z'), actor: 'key:s' });

        // 16 months later the cap starts on 2025-04-01: the period ended before it.
        w.clock.set('2026-06-01T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toEqual({
          closed: 0,
          settled: 0,
          held: 0,
          failed: 0,
          adjusted: 0,
          notBilled: 1,
        });
        const [period] = await storedPeriods(w.ledger.db, contractId);
        expect(period).toMatchObject({ status: 'held', holdReason: 'back_billing_cap' });
        // Staff see it in the periods list and, as held, in the billing summary of its month.
        const [listed] = await contractPeriods(w.deps, ALL, contractId);
        expect(listed).toMatchObject({ status: 'held', holdReason: 'back_billing_cap' });
        const summary = await billingSummary(w.deps, '2025-01');
        expect(summary.items.map((i) => [i.status, i.count])).toEqual([['held', 1]]);

        // Forcing does not invoice it, and a period already held for the cap is not counted or
        // audited again.
        expect(
          await runSettlement(w.deps, w.opts, { actor: 'key:staff', contractId, force: true }),
        ).toMatchObject({ settled: 0, held: 0, failed: 0, notBilled: 0 });
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 0,
          notBilled: 0,
        });
        expect(await invoicesOf(w.ledger.db, contractId)).toEqual([]);
        expect((await storedPeriods(w.ledger.db, contractId))[0]).toMatchObject({
          status: 'held',
          holdReason: 'back_billing_cap',
          invoiceNumber: null,
        });
        const audit = await auditOf(w.ledger.db, contractId);
        expect(audit.map((a) => [a.action, a.actor])).toEqual([
          ['move_out', 'key:s'],
          ['hold', 'cron'],
        ]);
        expect(audit[1]?.detail).toEqual({
          reason: 'back_billing_cap',
          end: '2025-01-20T23:00:00Z',
          capStart: '2025-04-01T00:00:00Z',
          backBillingMonths: 14,
        });
      } finally {
        await w.close();
      }
    });

    it('invoices a straddling period for its part inside the cap only, a period inside the cap unchanged; adjustments stay within the billed part', async () => {
      const w = await open();
      try {
        // March 2025 in Paris (UTC+1), moved out on 22 March at local midnight. Readings every
        // hour at 1 kW, with a silent night 17 March 18:00Z → 18 March 06:00Z that linear
        // interpolation fills at the same 1 kW.
        const straddling = await w.contract('2025-03-01T00:00:00+01:00', ['cap-mid']);
        await w.readings('cap-mid', '2025-02-28T00:00:00Z', '2025-03-17T18:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        const resume = t('2025-03-18T06:00:00Z');
        const atResume = 1_000_000 + ((resume - t('2025-02-28T00:00:00Z')) / HOUR) * 1000;
        await w.readings('cap-mid', resume, '2025-03-23T00:00:00Z', {
          stepMs: HOUR,
          startWh: atResume,
          whPerStep: 1000,
        });
        // April 2025 in Paris (UTC+2), moved out on 11 April at local midnight.
        const inside = await w.contract('2025-04-01T00:00:00+02:00', ['cap-in']);
        await w.readings('cap-in', '2025-03-31T00:00:00Z', '2025-04-12T00:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        w.clock.set('2025-04-12T00:00:00Z');
        await moveOut(w.deps, {
          contractId: straddling.contractId,
          at: t('2025-03-21T23:00:00Z'),
          actor: 'key:s',
        });
        await moveOut(w.deps, {
          contractId: inside.contractId,
          at: t('2025-04-10T22:00:00Z'),
          actor: 'key:s',
        });

        // Settled 14 months and a bit later: the cap starts at 2025-03-15T12:00Z, 13:00 in Paris.
        w.clock.set('2026-05-15T12:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toEqual({
          closed: 0,
          settled: 2,
          held: 0,
          failed: 0,
          adjusted: 0,
          notBilled: 0,
        });

        const [cut] = await invoicesOf(w.ledger.db, straddling.contractId);
        expect(cut?.number).toBe('INV-2026-000001');
        // Billed [15 Mar 13:00, 22 Mar 00:00) local: 155 h = 155 kWh. HC (22:00–06:00): 2 h on
        // the 15th and 8 h on each of the 16th to the 21st = 50 kWh; HP 105 kWh. Standing charge:
        // 11 of the 15th's 24 h and 6 whole days = 6.4583 days.
        expect(brief(cut)).toEqual([
          // 105 × 0.2081 = 21.8505
          [`Energy HP 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`, '105.000', '0.2081', '21.85'],
          // 50 × 0.1635 = 8.175
          [`Energy HC 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`, '50.000', '0.1635', '8.18'],
          // 6.4583 × 0.4512 = 2.91398496
          [
            `Standing charge 2025-03-15 13:00 – 2025-03-21 (6.4583 days)${CAP_NOTE}`,
            '6.4583',
            '0.4512',
            '2.91',
          ],
          // 155 × 0.0225 = 3.4875
          [`Excise 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`, '155.000', '0.0225', '3.49'],
          // 21.85 + 8.18 + 2.91 + 3.49 = 36.43; × 0.2 = 7.286
          ['VAT 20 %', '36.43', '0.2', '7.29'],
        ]);
        expect(cut).toMatchObject({ subtotal: '36.43', total: '43.72' });
        // The invoice covers what it bills, and its basis counts that part only.
        expect(cut?.period).toEqual({
          start: t('2025-03-15T12:00:00Z'),
          end: t('2025-03-21T23:00:00Z'),
        });
        expect(cut?.basis).toMatchObject({ measuredImportWh: 155_000, method: 'measured' });
        const settleRow = (await auditOf(w.ledger.db, straddling.contractId)).find(
          (a) => a.action === 'settle',
        );
        expect(settleRow?.detail).toMatchObject({
          start: '2025-02-28T23:00:00Z',
          end: '2025-03-21T23:00:00Z',
          billedFrom: '2025-03-15T12:00:00Z',
          reason: 'back-billing cap',
        });

        const [whole] = await invoicesOf(w.ledger.db, inside.contractId);
        expect(whole?.number).toBe('INV-2026-000002');
        // [1 Apr, 11 Apr) local: 240 kWh, 80 of them HC (8 h a day), 10 days.
        expect(brief(whole)).toEqual([
          ['Energy HP 2025-04-01 – 2025-04-10', '160.000', '0.2081', '33.30'], // 33.296
          ['Energy HC 2025-04-01 – 2025-04-10', '80.000', '0.1635', '13.08'], // 13.08
          ['Standing charge 2025-04-01 – 2025-04-10 (10 days)', '10.0000', '0.4512', '4.51'],
          ['Excise 2025-04-01 – 2025-04-10', '240.000', '0.0225', '5.40'], // 5.4
          ['VAT 20 %', '56.29', '0.2', '11.26'], // 56.29 × 0.2 = 11.258
        ]);
        expect(whole).toMatchObject({ subtotal: '56.29', total: '67.55' });
        expect(whole?.period).toEqual({
          start: t('2025-03-31T22:00:00Z'),
          end: t('2025-04-10T22:00:00Z'),
        });

        // A late reading before the billed part (on the line, as it happens) makes the period be
        // recomputed: over the billed part only, so nothing changes and nothing is billed.
        w.clock.set('2026-05-16T00:00:00Z'); // the cap is now 2025-03-16T00:00Z
        const early = [
          {
            meterId: 'cap-mid',
            ts: t('2025-03-10T00:30:00Z'),
            importWh: 1_000_000 + (t('2025-03-10T00:30:00Z') - t('2025-02-28T00:00:00Z')) / 3600,
            receivedAt: w.clock.now(),
          },
        ];
        await w.store.writeBatch(early);
        await recordLateReadings(w.ledger.db, early, w.clock.now());
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 0,
          notBilled: 0,
        });

        // The silent night's readings arrive late: the same 12 kWh, all of it between 20:00Z and
        // 22:00Z (21:00–23:00 local: 6 kWh HP, 6 kWh HC) where interpolation had 4 kWh HP and
        // 8 kWh HC. 2 kWh move from HC to HP, inside the billed part.
        const before = atResume - 12 * 1000;
        const night: Reading[] = [];
        for (let ts = t('2025-03-17T18:15:00Z'); ts < resume; ts += Q) {
          const inPeak = ts > t('2025-03-17T20:00:00Z') && ts <= t('2025-03-17T22:00:00Z');
          const prev = night.at(-1)?.importWh ?? before;
          night.push({
            meterId: 'cap-mid',
            ts,
            importWh: prev + (inPeak ? 1500 : 0),
            receivedAt: w.clock.now(),
          });
        }
        expect(night.at(-1)?.importWh).toBe(atResume);
        await w.store.writeBatch(night);
        await recordLateReadings(w.ledger.db, night, w.clock.now());
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 1,
          notBilled: 0,
          settled: 0,
        });
        // The contract has ended: its adjustment goes on an invoice of its own.
        const [extra, cutAgain] = await invoicesOf(w.ledger.db, straddling.contractId);
        expect(cutAgain).toEqual(cut);
        expect(extra).toMatchObject({ kind: 'adjustment', number: 'INV-2026-000003' });
        const to = 'Adjustment to INV-2026-000001: ';
        expect(brief(extra)).toEqual([
          // 107 × 0.2081 = 22.2667 → 22.27, was 21.85
          [`${to}Energy HP 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`, '2.000', '0.2081', '0.42'],
          // 48 × 0.1635 = 7.848 → 7.85, was 8.18
          [`${to}Energy HC 2025-03-15 13:00 – 2025-03-21${CAP_NOTE}`, '-2.000', '0.1635', '-0.33'],
          // base 22.27 + 7.85 + 2.91 + 3.49 = 36.52 → 7.304 → 7.30, was 36.43 → 7.29
          [`${to}VAT 20 %`, '0.09', '0.2', '0.01'],
        ]);
        expect(extra?.total).toBe('0.10');
      } finally {
        await w.close();
      }
    });
  });
}
