import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { contractBill, type BillViewDeps } from '../../src/billing/bill-view.js';
import { billingSummary } from '../../src/billing/billing-summary.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { monthRevenue, type MonthRevenue } from '../../src/billing/revenue/month-revenue.js';
import { valueRecentMonths } from '../../src/billing/revenue/value-recent-months.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { readingChangesOf } from '../../src/ingest/reading-changes-of.js';
import type { LedgerDatabase } from '../../src/ledger/schema.js';
import type { Reading } from '../../src/readings/reading.js';
import { lateSpans } from '../../src/readings/changes/late-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import { type BillingWorld, Q, t } from '../support/billing-fixture.js';

/** What ingest records when it stores `readings` at `at`: the late ones in the change feed. */
const recordLateReadings = (db: Kysely<LedgerDatabase>, readings: Reading[], at: number) =>
  recordReadingChanges(db, readingChangesOf(readings, lateSpans(readings, at), new Map(), at), at);

const ALL = { all: true } as const;
const sum = (xs: readonly string[]) => xs.reduce((s, x) => s.plus(x), new Decimal(0)).toFixed(2);
const eur = (r: MonthRevenue) => {
  expect(r.currencies.map((c) => c.currency)).toEqual(['EUR']);
  return r.currencies[0]!;
};

/** Give the valuations whose `column` is `value` a figure no pricing gives, at every quantile. */
const setMarks = (
  w: BillingWorld,
  figure: string,
  column: 'marked_at' | 'period_start',
  value: string,
) =>
  w.ledger.db
    .updateTable('revenue_marks')
    .set({ p10: figure, p50: figure, p90: figure })
    .where(column, '=', value)
    .execute();

/** Run `body` on a freshly opened world and its bill deps, closing the world after. */
async function inWorld(
  open: () => Promise<BillingWorld>,
  body: (w: BillingWorld, deps: BillViewDeps) => Promise<void>,
): Promise<void> {
  const w = await open();
  try {
    await body(w, { db: w.ledger.db, store: w.store, clock: w.clock });
  } finally {
    await w.close();
  }
}

/**
 * The state of a month's revenue (docs/revenue.md) on a real ledger (`open` gives SQLite or
 * PostgreSQL) and the real embedded readings store, with a manual clock: every figure checked
 * against the bills and invoices it must add up to, and a past instant answered the same way
 * after readings, settlements, adjustments and contracts came later.
 */
export function describeRevenue(name: string, open: () => Promise<BillingWorld>): void {
  describe(`state of revenue (${name})`, () => {
    it('settled, provisional, held, estimated and adjustments of a month, and a past instant reproduced', async () => {
      await inWorld(open, async (w, deps) => {
        const a = (await w.contract('2026-09-01T00:00:00+02:00', ['rv-a'])).contractId;
        const b = (await w.contract('2026-09-01T00:00:00+02:00', ['rv-b'])).contractId;
        const c = (await w.contract('2026-09-01T00:00:00+02:00', ['rv-c'])).contractId;
        // All received at 06:00 on 10 October. rv-a is silent one night of September, billed by
        // interpolation until that night's readings turn up late; rv-c stops before September
        // ends, so its period will be held.
        w.clock.set('2026-10-10T06:00:00Z');
        await w.readings('rv-a', '2026-08-25T00:00:00Z', '2026-09-10T18:00:00Z');
        const resume = t('2026-09-11T06:00:00Z');
        const atResume = 1_000_000 + ((resume - t('2026-08-25T00:00:00Z')) / Q) * 250;
        await w.readings('rv-a', resume, '2026-10-10T06:00:00Z', { startWh: atResume });
        await w.readings('rv-b', '2026-08-25T00:00:00Z', '2026-10-10T06:00:00Z', {
          whPerStep: 300,
        });
        await w.readings('rv-c', '2026-08-25T00:00:00Z', '2026-09-29T00:00:00Z', {
          whPerStep: 200,
        });

        // The bills as the bill endpoint answers them at 08:10.
        w.clock.set('2026-10-10T08:10:00Z');
        const septBills = await Promise.all(
          [a, b, c].map((id) => contractBill(deps, ALL, id, t('2026-09-15T00:00:00Z'))),
        );
        const octBills = await Promise.all([a, b, c].map((id) => contractBill(deps, ALL, id)));
        expect(septBills.map((x) => x.status)).toEqual([
          'provisional',
          'provisional',
          'provisional',
        ]);
        expect(octBills.map((x) => x.status)).toEqual(['estimated', 'estimated', 'estimated']);

        // 08:10: nothing settled; September provisional, October estimated.
        const sep0 = await monthRevenue(deps, '2026-09');
        const oct0 = await monthRevenue(deps, '2026-10');
        expect(sep0.asOf).toBe(t('2026-10-10T08:10:00Z'));
        expect(eur(sep0)).toEqual({
          currency: 'EUR',
          settled: '0.00',
          provisional: sum(septBills.map((x) => x.total)),
          held: '0.00',
          estimated: { p10: '0.00', p50: '0.00', p90: '0.00' },
          adjustmentsPending: '0.00',
        });
        const est = eur(oct0).estimated;
        expect(est.p50).toBe(sum(octBills.map((x) => x.total)));
        expect(Number(est.p10)).toBeLessThanOrEqual(Number(est.p50));
        expect(Number(est.p90)).toBeGreaterThanOrEqual(Number(est.p50));
        if (octBills.every((x) => 'estimate' in x && x.estimate !== undefined))
          expect(Number(est.p90) - Number(est.p10)).toBeGreaterThan(0);
        expect(eur(oct0)).toMatchObject({ settled: '0.00', provisional: '0.00', held: '0.00' });
        // A month nobody was billed in.
        expect((await monthRevenue(deps, '2026-07')).currencies).toEqual([]);

        // A valuation stands for 15 minutes: at 08:20 the bills are not priced again...
        const marksAt = async (iso: string) =>
          (
            await w.ledger.db
              .selectFrom('revenue_marks')
              .select('contract_id')
              .where('marked_at', '=', new Date(t(iso)).toISOString())
              .execute()
          ).length;
        expect(await marksAt('2026-10-10T08:10:00Z')).toBe(6);
        w.clock.set('2026-10-10T08:20:00Z');
        const oct20 = await monthRevenue(deps, '2026-10');
        expect(oct20.currencies).toEqual(oct0.currencies);
        expect(await marksAt('2026-10-10T08:20:00Z')).toBe(0);
        // ...at 08:26 they are, from the readings received by then.
        w.clock.set('2026-10-10T08:26:00Z');
        await monthRevenue(deps, '2026-10');
        expect(await marksAt('2026-10-10T08:26:00Z')).toBe(3);

        // 09:00: settlement settles a and b, holds c.
        w.clock.set('2026-10-10T09:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 3,
          settled: 2,
          held: 1,
        });
        const [invA] = await invoicesOf(w.ledger.db, a);
        const [invB] = await invoicesOf(w.ledger.db, b);
        w.clock.set('2026-10-10T09:30:00Z');
        expect(eur(await monthRevenue(deps, '2026-09'))).toEqual({
          currency: 'EUR',
          settled: sum([invA!.total, invB!.total]),
          provisional: '0.00',
          held: septBills[2]!.total,
          estimated: { p10: '0.00', p50: '0.00', p90: '0.00' },
          adjustmentsPending: '0.00',
        });

        // 10:00: newer readings, and rv-a's silent night, late: the same energy, but all of it in
        // two hours of the evening, so the settled September becomes an adjustment.
        w.clock.set('2026-10-10T10:00:00Z');
        await w.readings('rv-a', '2026-10-10T06:15:00Z', '2026-10-10T10:00:00Z', {
          startWh: atResume + ((t('2026-10-10T06:15:00Z') - resume) / Q) * 250,
        });
        await w.readings('rv-b', '2026-10-10T06:15:00Z', '2026-10-10T10:00:00Z', {
          startWh: 1_000_000 + ((t('2026-10-10T06:15:00Z') - t('2026-08-25T00:00:00Z')) / Q) * 300,
          whPerStep: 300,
        });
        const before = atResume - 48 * 250;
        const night: Reading[] = [];
        for (let ts = t('2026-09-10T18:15:00Z'); ts < resume; ts += Q) {
          const inPeak = ts > t('2026-09-10T20:00:00Z') && ts <= t('2026-09-10T22:00:00Z');
          night.push({
            meterId: 'rv-a',
            ts,
            importWh: (night.at(-1)?.importWh ?? before) + (inPeak ? 1500 : 0),
            receivedAt: w.clock.now(),
          });
        }
        await w.store.writeBatch(night);
        await recordLateReadings(w.ledger.db, night, w.clock.now());
        w.clock.set('2026-10-10T10:05:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 1,
        });
        const adjustments = await w.ledger.db.selectFrom('adjustments').selectAll().execute();
        expect(adjustments).toHaveLength(1);
        const adjustment = adjustments[0]!.total;
        expect(Number(adjustment)).not.toBe(0);

        // A contract created at 10:20 but dated back to September: it did not exist at 08:10.
        w.clock.set('2026-10-10T10:20:00Z');
        const d = (await w.contract('2026-09-01T00:00:00+02:00', ['rv-d'])).contractId;
        await w.readings('rv-d', '2026-08-25T00:00:00Z', '2026-10-10T10:00:00Z');

        w.clock.set('2026-10-10T10:30:00Z');
        const sep2 = eur(await monthRevenue(deps, '2026-09'));
        expect(sep2).toMatchObject({
          settled: sum([invA!.total, invB!.total]),
          adjustmentsPending: adjustment,
        });
        // rv-d's September counts now (provisional), and so do its October and the new readings.
        expect(Number(sep2.provisional)).toBeGreaterThan(0);
        const oct2 = await monthRevenue(deps, '2026-10');
        expect(eur(oct2).estimated).not.toEqual(est);

        // The past instant, asked again: the same answer, from the marks taken then...
        expect(await monthRevenue(deps, '2026-09', t('2026-10-10T08:10:00Z'))).toEqual(sep0);
        expect(await monthRevenue(deps, '2026-10', t('2026-10-10T08:10:00Z'))).toEqual(oct0);
        expect(await monthRevenue(deps, '2026-10', t('2026-10-10T08:20:00Z'))).toEqual(oct20);
        // ...and, with every mark gone, from the ledger's history and the readings received by
        // then: the late night, the 10:00 readings, the invoices, the hold, the adjustment and
        // contract d all came later.
        await w.ledger.db.deleteFrom('revenue_marks').execute();
        expect(await monthRevenue(deps, '2026-09', t('2026-10-10T08:10:00Z'))).toEqual(sep0);
        expect(await monthRevenue(deps, '2026-10', t('2026-10-10T08:10:00Z'))).toEqual(oct0);
        // Between settlement and the adjustment: settled and held, nothing pending.
        expect(eur(await monthRevenue(deps, '2026-09', t('2026-10-10T09:59:59Z')))).toMatchObject({
          settled: sum([invA!.total, invB!.total]),
          held: septBills[2]!.total,
          adjustmentsPending: '0.00',
        });

        // November: October settles, and a's invoice carries September's adjustment. Each euro
        // counts for the month it pays for.
        w.clock.set('2026-11-04T00:00:00Z');
        for (const [m, step] of [
          ['rv-a', 250],
          ['rv-b', 300],
          ['rv-d', 250],
        ] as const) {
          const from = t('2026-10-10T10:15:00Z');
          const base =
            m === 'rv-a'
              ? atResume + ((from - resume) / Q) * 250
              : 1_000_000 + ((from - t('2026-08-25T00:00:00Z')) / Q) * step;
          await w.readings(m, from, '2026-11-02T00:00:00Z', { startWh: base, whPerStep: step });
        }
        // a, b and d's October; d's September.
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 4,
        });
        const [dOct, dSep] = await invoicesOf(w.ledger.db, d);
        const octInvoices = await Promise.all(
          [a, b].map(async (id) => (await invoicesOf(w.ledger.db, id))[0]!),
        );
        expect(octInvoices[0]!.lines.some((l) => l.kind === 'adjustment')).toBe(true);
        w.clock.set('2026-11-04T00:10:00Z');
        const sep3 = eur(await monthRevenue(deps, '2026-09'));
        expect(sep3.adjustmentsPending).toBe('0.00');
        expect(sep3.settled).toBe(
          new Decimal(sum([invA!.total, invB!.total, dSep!.total])).plus(adjustment).toFixed(2),
        );
        const oct3 = eur(await monthRevenue(deps, '2026-10'));
        expect(oct3.settled).toBe(
          new Decimal(sum([...octInvoices.map((i) => i.total), dOct!.total]))
            .minus(adjustment)
            .toFixed(2),
        );
        expect(oct3.estimated).toEqual({ p10: '0.00', p50: '0.00', p90: '0.00' });
        // c has no reading after either period: both held.
        expect(Number(oct3.held)).toBeGreaterThan(0);
      });
    }, 120_000);

    it('values the current and previous month ahead of the questions, as a schedule would', async () => {
      await inWorld(open, async (w, deps) => {
        await w.contract('2026-09-01T00:00:00+02:00', ['vr-a']);
        w.clock.set('2026-10-01T05:00:00Z');
        await w.readings('vr-a', '2026-08-25T00:00:00Z', '2026-10-01T05:00:00Z');
        const marks = async () =>
          (await w.ledger.db.selectFrom('revenue_marks').selectAll().execute()).length;
        // A process shutting down stops valuing before its next slice of bills.
        const stopped = { ...deps, signal: AbortSignal.abort() };
        await expect(valueRecentMonths(stopped)).rejects.toMatchObject({ name: 'AbortError' });
        expect(await marks()).toBe(0);
        expect(await valueRecentMonths(deps)).toEqual(['2026-09', '2026-10']);
        // September provisional, October estimated: one valuation each.
        expect(await marks()).toBe(2);
        w.clock.set('2026-10-01T05:14:00Z');
        const oct = await monthRevenue(deps, '2026-10');
        const sep = await monthRevenue(deps, '2026-09');
        expect(await marks()).toBe(2);
        expect(Number(eur(oct).estimated.p50)).toBeGreaterThan(0);
        expect(Number(eur(sep).provisional)).toBeGreaterThan(0);
      });
    });

    it('thins valuations older than a week to those that answer a UTC midnight', async () => {
      await inWorld(open, async (w, deps) => {
        const markedAt = async () =>
          (await w.ledger.db.selectFrom('revenue_marks').select('marked_at').execute())
            .map((r) => r.marked_at)
            .sort();
        await w.contract('2026-09-01T00:00:00+02:00', ['pm-a']);
        w.clock.set('2026-09-15T12:00:00Z');
        await w.readings('pm-a', '2026-08-25T00:00:00Z', '2026-09-15T12:00:00Z');
        const atNoon = await monthRevenue(deps, '2026-09');
        w.clock.set('2026-09-20T23:50:00Z');
        await monthRevenue(deps, '2026-09');
        // A figure no pricing gives: the answers that show it come from this valuation.
        await setMarks(w, '999.99', 'marked_at', '2026-09-20T23:50:00.000Z');
        // Midnight takes the 23:50 valuation; 00:10 is valued anew.
        w.clock.set('2026-09-21T00:10:00Z');
        const midnight = t('2026-09-21T00:00:00Z');
        expect(eur(await monthRevenue(deps, '2026-09', midnight)).estimated.p50).toBe('999.99');
        await monthRevenue(deps, '2026-09');
        expect(await markedAt()).toEqual([
          '2026-09-15T12:00:00.000Z',
          '2026-09-20T23:50:00.000Z',
          '2026-09-21T00:10:00.000Z',
        ]);

        w.clock.set('2026-10-01T05:00:00Z');
        await valueRecentMonths(deps);
        // A week later only the valuation that answers a midnight is left of those days.
        expect(await markedAt()).toEqual([
          '2026-09-20T23:50:00.000Z',
          '2026-10-01T05:00:00.000Z',
          '2026-10-01T05:00:00.000Z',
        ]);
        expect(eur(await monthRevenue(deps, '2026-09', midnight)).estimated.p50).toBe('999.99');
        expect((await markedAt()).length).toBe(3);
        // Another instant of those days is valued again, from the ledger's history and the
        // readings received by then: its answer rebuilt rather than recalled.
        expect(await monthRevenue(deps, '2026-09', t('2026-09-15T12:00:00Z'))).toEqual(atNoon);
        expect(await markedAt()).toContain('2026-09-15T12:00:00.000Z');
        expect(Number(eur(atNoon).estimated.p50)).toBeGreaterThan(0);
      });
    });

    it('sums the billing summary from the same valuations, so both agree at an instant', async () => {
      await inWorld(open, async (w, deps) => {
        const estimated = async () =>
          (await billingSummary(deps, '2026-10')).items.map((i) => [i.status, i.count, i.total]);
        await w.contract('2026-09-01T00:00:00+02:00', ['bs-a']);
        await w.contract('2026-09-01T00:00:00+02:00', ['bs-b']);
        w.clock.set('2026-10-12T05:00:00Z');
        await w.readings('bs-a', '2026-08-25T00:00:00Z', '2026-10-12T05:00:00Z');
        await w.readings('bs-b', '2026-08-25T00:00:00Z', '2026-10-12T05:00:00Z', {
          whPerStep: 400,
        });
        await valueRecentMonths(deps);
        const oct = eur(await monthRevenue(deps, '2026-10'));
        expect(await estimated()).toEqual([['estimated', 2, oct.estimated.p50]]);
        // A figure no pricing gives: the summary shows it while the valuation stands.
        await setMarks(w, '500.00', 'period_start', '2026-09-30T22:00:00.000Z');
        w.clock.set('2026-10-12T05:14:00Z');
        expect(await estimated()).toEqual([['estimated', 2, '1000.00']]);
        expect(eur(await monthRevenue(deps, '2026-10')).estimated.p50).toBe('1000.00');
        // Past the 15 minutes the bills are priced again, as the bill route prices them.
        w.clock.set('2026-10-12T05:16:00Z');
        const bills = await Promise.all(
          (await w.ledger.db.selectFrom('contracts').select('id').execute()).map((c) =>
            contractBill(deps, ALL, c.id, t('2026-10-12T00:00:00Z')),
          ),
        );
        expect(await estimated()).toEqual([['estimated', 2, sum(bills.map((b) => b.total))]]);
      });
    });

    it('refuses a month not written YYYY-MM and an instant in the future', async () => {
      await inWorld(open, async (w, deps) => {
        await expect(monthRevenue(deps, '2026-13')).rejects.toMatchObject({
          code: 'validation_failed',
        });
        await expect(monthRevenue(deps, '2026-09', w.clock.now() + 1)).rejects.toMatchObject({
          code: 'validation_failed',
        });
      });
    });
  });
}
