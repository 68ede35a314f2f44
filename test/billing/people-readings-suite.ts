import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { auditOf } from '../../src/audit/audit-log.js';
import type { Principal } from '../../src/auth/principal.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { computeConsumption } from '../../src/consumption/buckets.js';
import { correctReading } from '../../src/readings/manual/correct-reading.js';
import { enterReading } from '../../src/readings/manual/enter-reading.js';
import { listManualEntries } from '../../src/readings/manual/manual-readings-repo.js';
import { type BillingWorld, HOUR, t } from '../support/billing-fixture.js';

// September 2026 in Paris: 30 days from 2026-08-31T22:00Z, no clock change; off-peak (HC) is
// 22:00-06:00 local, 8 of every 24 hours. The tariff of docs/design.md §5: HP 0.2081, HC 0.1635,
// standing charge 0.4512 a day, excise 0.0225 a kWh, VAT 20 %.
const MONTH_START = '2026-08-31T22:00:00Z';
const MONTH_END = '2026-09-30T22:00:00Z';
const S = 1_000_000;

const staff: Principal = { keyId: 'staff-1', role: 'staff', customerId: null };
const customerOf = (customerId: string): Principal => ({
  keyId: 'cust-1',
  role: 'customer',
  customerId,
});
/** What entering and correcting readings use, from the world's parts. */
const manual = (w: BillingWorld) => ({ db: w.ledger.db, store: w.store, clock: w.clock });
const lineSummary = (lines: readonly { kind: string; quantity: string; amount: string }[]) =>
  lines.map((l) => [l.kind, l.quantity, l.amount]);
const addsUp = (lines: readonly { amount: string }[], total: string) =>
  expect(lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2)).toBe(total);

/**
 * Readings taken by people, through settlement: on a real ledger (`open` gives SQLite or PostgreSQL)
 * and a real readings store (SQLite or InfluxDB), with an injected clock. Every amount is computed
 * by hand below.
 */
export function describePeopleReadings(name: string, open: () => Promise<BillingWorld>): void {
  describe(`readings taken by people in settlement (${name})`, () => {
    let w: BillingWorld | undefined;
    afterEach(async () => {
      await w?.close();
      w = undefined;
    });

    it('a customer reading settles a held period, to the cent, and the invoice says so', async () => {
      w = await open();
      const { contractId, customerId } = await w.contract('2026-09-01T00:00:00+02:00', ['self-1']);
      // 100 Wh an hour until the meter falls silent on 2026-09-25T22:00Z (local midnight).
      await w.readings('self-1', MONTH_START, '2026-09-25T22:00:00Z', {
        stepMs: HOUR,
        startWh: S,
        whPerStep: 100,
      });
      w.clock.set('2026-10-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        closed: 1,
        settled: 0,
        held: 1,
      });

      // The customer reads the meter at local midnight on 6 October: 30,000 Wh in the 240 h since
      // the last reading, 125 Wh an hour. The end index of September is interpolated there:
      // 120 h x 125 = 15,000 Wh after the last reading.
      w.clock.set('2026-10-06T08:00:00Z');
      const stored = await enterReading(manual(w), customerOf(customerId), 'self-1', {
        ts: t('2026-10-05T22:00:00Z'),
        importWh: S + 90_000,
        note: 'photo of the display',
      });
      expect(stored).toMatchObject({ importWh: S + 90_000, source: 'customer' });
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 1,
        held: 0,
      });

      // 1-25 September: 600 h x 100 Wh = 60 kWh, HC 200 h = 20 kWh, HP 40 kWh.
      // 26-30 September: 120 h x 125 Wh = 15 kWh, HC 40 h = 5 kWh, HP 10 kWh.
      //   HP 50.000 x 0.2081 = 10.405 -> 10.41      HC 25.000 x 0.1635 = 4.0875 -> 4.09
      //   standing 30 x 0.4512 = 13.536 -> 13.54     excise 75.000 x 0.0225 = 1.6875 -> 1.69
      //   subtotal 29.73; VAT 20 % = 5.946 -> 5.95; total 35.68
      const [invoice] = await invoicesOf(w.ledger.db, contractId);
      expect(lineSummary(invoice!.lines)).toEqual([
        ['energy', '50.000', '10.41'],
        ['energy', '25.000', '4.09'],
        ['standing_charge', '30.0000', '13.54'],
        ['tax', '75.000', '1.69'],
        ['tax', '29.73', '5.95'],
      ]);
      expect(invoice).toMatchObject({ subtotal: '29.73', total: '35.68' });
      addsUp(invoice!.lines, invoice!.total);
      expect(invoice!.basis).toEqual({
        measuredImportWh: 75_000,
        projectedImportWh: 0,
        asOf: '2026-10-05T22:00:00Z',
        method: 'measured',
        indexSource: { end: 'customer' },
      });
      expect((await storedPeriods(w.ledger.db, contractId)).map((p) => p.status)).toEqual([
        'settled',
      ]);
      expect((await auditOf(w.ledger.db, contractId)).map((a) => [a.action, a.actor])).toEqual([
        ['close', 'cron'],
        ['hold', 'cron'],
        ['reading_entered', 'key:cust-1'],
        ['settle', 'cron'],
      ]);

      // The days that rest on the self-read say so, from the store (registers-only reads).
      const series = await w.store.registers(
        'self-1',
        t('2026-09-22T22:00:00Z') - HOUR,
        t(MONTH_END) + HOUR,
      );
      const days = computeConsumption({
        series,
        from: t('2026-09-23T22:00:00Z'),
        to: t(MONTH_END),
        groupBy: 'day',
        tz: 'Europe/Paris',
      }).buckets.map((b) => [b.importWh, b.quality]);
      expect(days).toEqual([
        [2400, 'measured'],
        [2400, 'measured'],
        [3000, 'self-read'],
        [3000, 'self-read'],
        [3000, 'self-read'],
        [3000, 'self-read'],
        [3000, 'self-read'],
      ]);
    });

    it('a correction after settlement becomes exact adjustment lines on the next invoice', async () => {
      w = await open();
      const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['fix-1']);
      // 100 Wh an hour to 2026-09-28T22:00Z (S + 67,200); the readings of the next five days were
      // rejected; from 2026-10-03T22:00Z (S + 84,000) 100 Wh an hour again.
      await w.readings('fix-1', MONTH_START, '2026-09-28T22:00:00Z', {
        stepMs: HOUR,
        startWh: S,
        whPerStep: 100,
      });
      await w.readings('fix-1', '2026-10-03T22:00:00Z', '2026-11-02T00:00:00Z', {
        stepMs: HOUR,
        startWh: S + 84_000,
        whPerStep: 100,
      });
      w.clock.set('2026-10-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 1,
      });
      // Settled on the interpolated end index: 16,800 Wh over the 120 h gap is 140 Wh an hour,
      // so the last two days of September (48 h, HC 16 h) count 6,720 Wh: HC 2.240, HP 4.480.
      //   HP 44.800 + 4.480 = 49.280 x 0.2081 = 10.255168 -> 10.26
      //   HC 22.400 + 2.240 = 24.640 x 0.1635 = 4.02864 -> 4.03
      //   standing 13.54; excise 73.920 x 0.0225 = 1.6632 -> 1.66
      //   subtotal 29.49; VAT 5.898 -> 5.90; total 35.39
      const [first] = await invoicesOf(w.ledger.db, contractId);
      expect(lineSummary(first!.lines)).toEqual([
        ['energy', '49.280', '10.26'],
        ['energy', '24.640', '4.03'],
        ['standing_charge', '30.0000', '13.54'],
        ['tax', '73.920', '1.66'],
        ['tax', '29.49', '5.90'],
      ]);
      expect(first).toMatchObject({ number: 'INV-2026-000001', total: '35.39' });
      expect(first!.basis.indexSource).toBeUndefined();

      // The customer's photo of the display at the month's end turns up; staff correct the
      // rejected reading: 9,600 Wh in those two days (200 Wh an hour), HC 3.200, HP 6.400.
      w.clock.set('2026-10-10T00:00:00Z');
      const { reading, entry } = await correctReading(manual(w), staff, 'fix-1', {
        ts: t(MONTH_END),
        importWh: S + 76_800,
        reason: 'index on the customer’s photo; the meter’s reading was rejected',
      });
      expect(reading).toMatchObject({ importWh: S + 76_800, source: 'staff' });
      expect(entry).toMatchObject({ kind: 'correction', replaced: null, enteredBy: 'key:staff-1' });
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        adjusted: 1,
        notBilled: 0,
        settled: 0,
      });
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        adjusted: 0,
      });

      // Recomputed September:
      //   HP 51.200 x 0.2081 = 10.65472 -> 10.65 (+1.920 kWh, +0.39)
      //   HC 25.600 x 0.1635 = 4.1856 -> 4.19 (+0.960 kWh, +0.16)
      //   excise 76.800 x 0.0225 = 1.728 -> 1.73 (+2.880 kWh, +0.07)
      //   subtotal 30.11 (+0.62); VAT 6.022 -> 6.02 (+0.12); total 36.13, +0.74
      // October, on the corrected start index: 745 h (the clocks go back on the 25th) at 100 Wh,
      // HC 31 x 8 + 1 = 249 h.
      //   HP 49.600 x 0.2081 = 10.32176 -> 10.32    HC 24.900 x 0.1635 = 4.07115 -> 4.07
      //   standing 31 x 0.4512 = 13.9872 -> 13.99    excise 74.500 x 0.0225 = 1.67625 -> 1.68
      //   subtotal 30.06; VAT 6.012 -> 6.01; own total 36.07, with the adjustment 36.81
      w.clock.set('2026-11-04T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 1,
      });
      const [second, firstAgain] = await invoicesOf(w.ledger.db, contractId);
      expect(firstAgain).toEqual(first);
      expect(second?.number).toBe('INV-2026-000002');
      expect(lineSummary(second!.lines)).toEqual([
        ['energy', '49.600', '10.32'],
        ['energy', '24.900', '4.07'],
        ['standing_charge', '31.0000', '13.99'],
        ['tax', '74.500', '1.68'],
        ['tax', '30.06', '6.01'],
        ['adjustment', '1.920', '0.39'],
        ['adjustment', '0.960', '0.16'],
        ['adjustment', '2.880', '0.07'],
        ['adjustment', '0.62', '0.12'],
      ]);
      expect(
        second!.lines
          .filter((l) => l.kind === 'adjustment')
          .every((l) => l.description.startsWith('Adjustment to INV-2026-000001: ')),
      ).toBe(true);
      expect(second!.total).toBe('36.81');
      addsUp(second!.lines, second!.total);
      expect(second!.basis.indexSource).toEqual({ start: 'staff' });

      const audit = await auditOf(w.ledger.db, contractId);
      expect(audit.map((a) => a.action)).toEqual([
        'close',
        'settle',
        'reading_corrected',
        'adjust',
        'close',
        'settle',
      ]);
      const corrections = await listManualEntries(w.ledger.db, { limit: 10, kind: 'correction' });
      expect(corrections.items.map((e) => [e.meterId, e.importWh, e.replaced])).toEqual([
        ['fix-1', S + 76_800, null],
      ]);
    });
  });
}
