import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { auditOf } from '../../src/audit/audit-log.js';
import type { Reading } from '../../src/readings/reading.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { pendingLateReadings } from '../../src/billing/records/pending-late-readings.js';
import { storedPeriods } from '../../src/billing/records/periods-repo.js';
import { closeEndedPeriods, moveOut } from '../../src/billing/settlement/close-periods.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { readingChangesOf } from '../../src/ingest/reading-changes-of.js';
import type { LedgerDatabase } from '../../src/ledger/schema.js';
import { lateSpans } from '../../src/readings/changes/late-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import { type BillingWorld, DAY, HOUR, Q, t } from '../support/billing-fixture.js';

/** What ingest records when it stores `readings` at `at`: the late ones in the change feed. */
const recordLateReadings = (db: Kysely<LedgerDatabase>, readings: Reading[], at: number) =>
  recordReadingChanges(db, readingChangesOf(readings, lateSpans(readings, at), new Map(), at), at);

const addsUp = (lines: readonly { amount: string }[], total: string) =>
  expect(lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).toFixed(2)).toBe(total);

/**
 * The settlement lifecycle of docs/design.md §1/§5 with an injected clock, on a real ledger
 * (`open` gives SQLite or PostgreSQL) and the real embedded readings store.
 */
export function describeSettlement(name: string, open: () => Promise<BillingWorld>): void {
  describe(`settlement lifecycle (${name})`, () => {
    it('closes at month end, waits out the grace window, then settles once into INV-YYYY-000001', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['m-1']);
        await w.readings('m-1', '2026-08-31T00:00:00Z', '2026-10-02T00:00:00Z');
        // September (Paris) ended 2026-09-30T22:00Z: closed, in grace
        w.clock.set('2026-10-02T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 1,
          settled: 0,
          held: 0,
          failed: 0,
        });
        expect((await storedPeriods(w.ledger.db, contractId)).map((p) => p.status)).toEqual([
          'closed',
        ]);

        w.clock.set('2026-10-03T21:59:00Z'); // one minute before the grace window ends
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 0,
          settled: 0,
        });
        w.clock.set('2026-10-03T22:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'key:staff-1' })).toMatchObject({
          closed: 0,
          settled: 1,
          held: 0,
          failed: 0,
        });
        const [invoice, ...more] = await invoicesOf(w.ledger.db, contractId);
        expect(more).toEqual([]);
        expect(invoice?.number).toBe('INV-2026-000001');
        expect(invoice?.basis.method).toBe('measured');
        // 30 days × 96 quarter hours × 250 Wh = 720 kWh, every quarter hour measured.
        expect(invoice?.basis.measuredImportWh).toBe(720_000);
        expect(invoice?.lines.find((l) => l.kind === 'standing_charge')?.quantity).toBe('30.0000');
        addsUp(invoice!.lines, invoice!.total);
        const [period] = await storedPeriods(w.ledger.db, contractId);
        expect(period).toMatchObject({ status: 'settled', invoiceNumber: 'INV-2026-000001' });

        // Idempotent: later runs settle nothing again.
        w.clock.advance(DAY);
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 0,
          held: 0,
        });
        expect(await invoicesOf(w.ledger.db, contractId)).toHaveLength(1);
        const audit = await auditOf(w.ledger.db, contractId);
        expect(audit.map((a) => [a.action, a.actor])).toEqual([
          ['close', 'cron'],
          ['settle', 'key:staff-1'],
        ]);
      } finally {
        await w.close();
      }
    });

    it('holds a period without a reading after its end, settles it when one arrives; force extrapolates and the real reading adjusts it', async () => {
      const w = await open();
      try {
        const a = await w.contract('2026-09-01T00:00:00+02:00', ['held-1']);
        const b = await w.contract('2026-09-01T00:00:00+02:00', ['forced-1']);
        await w.readings('held-1', '2026-08-31T00:00:00Z', '2026-09-25T00:00:00Z');
        await w.readings('forced-1', '2026-08-31T00:00:00Z', '2026-09-25T00:00:00Z');
        w.clock.set('2026-10-05T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 2,
          settled: 0,
          held: 2,
        });
        const [held] = await storedPeriods(w.ledger.db, a.contractId);
        expect(held?.status).toBe('held');
        expect(held?.holdReason).toMatch(
          /no reading at or after the period end .* from meter held-1/,
        );
        // Still held on the next run, with no second audit row for the same reason.
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({ held: 2 });
        expect(
          (await auditOf(w.ledger.db, a.contractId)).filter((x) => x.action === 'hold'),
        ).toHaveLength(1);

        // Staff force contract b: its end index is extrapolated from the 7-day
        // baseline, and the invoice says so.
        expect(
          await runSettlement(w.deps, w.opts, {
            actor: 'key:staff',
            contractId: b.contractId,
            force: true,
          }),
        ).toMatchObject({ settled: 1, held: 0 });
        const [forced] = await invoicesOf(w.ledger.db, b.contractId);
        expect(forced?.basis.method).toBe('extrapolated-7d');
        expect(
          forced?.lines
            .filter((l) => l.kind === 'energy')
            .every((l) => l.description.includes('extrapolated')),
        ).toBe(true);
        // 1 kW all along: measured to 09-25, the baseline projects the same power to the end.
        expect(forced!.basis.measuredImportWh + forced!.basis.projectedImportWh).toBe(720_000);
        expect((await auditOf(w.ledger.db, b.contractId)).map((x) => x.action)).toContain(
          'force_settle',
        );

        // Readings resume after the end: a is settled on measured data; b's
        // extrapolation is checked against them.
        w.clock.set('2026-10-06T00:00:00Z');
        await w.readings('held-1', '2026-10-01T00:00:00Z', '2026-10-06T00:00:00Z', {
          startWh: 1_000_000 + 96 * 25 * 250 + 96 * 20,
          stepMs: DAY,
          whPerStep: 96 * 250,
        });
        await w.readings('forced-1', '2026-10-01T00:00:00Z', '2026-10-06T00:00:00Z', {
          startWh: 1_000_000 + 96 * 25 * 250 + 96 * 20,
          stepMs: DAY,
          whPerStep: 96 * 250,
        });
        const r = await runSettlement(w.deps, w.opts, { actor: 'cron' });
        expect(r).toMatchObject({ settled: 1, held: 0, adjusted: 1 });
        const [settledA] = await invoicesOf(w.ledger.db, a.contractId);
        expect(settledA?.basis.method).toBe('measured');
        const bPeriods = await storedPeriods(w.ledger.db, b.contractId);
        expect(bPeriods[0]?.endExtrapolated).toBe(false);
        const adjusts = await w.ledger.db
          .selectFrom('adjustments')
          .selectAll()
          .where('contract_id', '=', b.contractId)
          .execute();
        expect(adjusts).toHaveLength(1);
        expect(adjusts[0]?.reason).toBe('end index measured after a forced settlement');
      } finally {
        await w.close();
      }
    });

    it('turns late readings of a settled period into adjustment lines on the next invoice, never editing the settled one', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['late-1']);
        // A steady 1 kW, except a silent night 09-10 18:00Z → 09-11 06:00Z:
        // billed by linear interpolation.
        await w.readings('late-1', '2026-08-31T00:00:00Z', '2026-09-10T18:00:00Z');
        const resume = t('2026-09-11T06:00:00Z');
        const atResume = 1_000_000 + ((resume - t('2026-08-31T00:00:00Z')) / Q) * 250;
        await w.readings('late-1', resume, '2026-11-02T00:00:00Z', { startWh: atResume });
        w.clock.set('2026-10-04T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 1,
          settled: 1,
        });
        const [first] = await invoicesOf(w.ledger.db, contractId);
        expect(first?.number).toBe('INV-2026-000001');

        // The night's readings arrive late: the same 12 kWh, but all of it between 20:00Z and
        // 22:00Z (22:00-24:00 Paris: HC).
        w.clock.set('2026-10-10T00:00:00Z');
        const before = atResume - 48 * 250;
        const night: Reading[] = [];
        for (let ts = t('2026-09-10T18:15:00Z'); ts < resume; ts += Q) {
          const inPeak = ts > t('2026-09-10T20:00:00Z') && ts <= t('2026-09-10T22:00:00Z');
          const prev = night.at(-1)?.importWh ?? before;
          night.push({
            meterId: 'late-1',
            ts,
            importWh: prev + (inPeak ? 1500 : 0),
            receivedAt: w.clock.now(),
          });
        }
        expect(night.at(-1)?.importWh).toBe(atResume);
        await w.store.writeBatch(night);
        await recordLateReadings(w.ledger.db, night, w.clock.now());

        const r = await runSettlement(w.deps, w.opts, { actor: 'cron' });
        expect(r).toMatchObject({ adjusted: 1, notBilled: 0, settled: 0 });
        // Re-running finds nothing new to adjust.
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 0,
        });

        w.clock.set('2026-11-04T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 1,
          settled: 1,
        });
        const [second, firstAgain] = await invoicesOf(w.ledger.db, contractId);
        expect(firstAgain).toEqual(first); // the settled invoice never changes
        expect(second?.number).toBe('INV-2026-000002');
        const adj = second!.lines.filter((l) => l.kind === 'adjustment');
        expect(
          adj.every(
            (l) =>
              l.adjusts === 'INV-2026-000001' &&
              l.description.startsWith('Adjustment to INV-2026-000001: '),
          ),
        ).toBe(true);
        // kWh moved from HP to HC: the HP line goes down, the HC line up, the total kWh (and so
        // the excise) is unchanged.
        const hp = adj.find((l) => l.description.includes('Energy HP'));
        const hc = adj.find((l) => l.description.includes('Energy HC'));
        expect(new Decimal(hp!.quantity).plus(hc!.quantity).isZero()).toBe(true);
        expect(new Decimal(hp!.quantity).isNegative()).toBe(true);
        expect(adj.some((l) => l.description.includes('Excise'))).toBe(false);
        addsUp(second!.lines, second!.total);
        const pending = await w.ledger.db
          .selectFrom('adjustments')
          .select('applied_invoice_number')
          .where('contract_id', '=', contractId)
          .execute();
        expect(pending.map((p) => p.applied_invoice_number)).toEqual(['INV-2026-000002']);
      } finally {
        await w.close();
      }
    });

    it('reports, but does not bill, late readings of a period older than the back-billing cap', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2025-01-01T00:00:00+01:00', ['old-1']);
        await w.readings('old-1', '2024-12-31T00:00:00Z', '2025-01-10T00:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        await w.readings('old-1', '2025-01-20T00:00:00Z', '2025-02-05T00:00:00Z', {
          stepMs: HOUR,
          startWh: 1_000_000 + 20 * 24 * 1000,
          whPerStep: 1000,
        });
        w.clock.set('2025-02-10T00:00:00Z');
        await closeEndedPeriods(w.deps, { at: w.clock.now(), actor: 'cron', contractId });
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron', contractId })).toMatchObject({
          settled: 1,
        });
        // 16 months later a reading of the gap turns up: the night-and-day
        // split of the gap changes.
        w.clock.set('2026-06-01T00:00:00Z');
        const late = [
          {
            meterId: 'old-1',
            ts: t('2025-01-15T09:00:00Z'),
            importWh: 1_000_000 + 20 * 24 * 1000 - 1000,
            receivedAt: w.clock.now(),
          },
        ];
        await w.store.writeBatch(late);
        await recordLateReadings(w.ledger.db, late, w.clock.now());
        const r = await runSettlement(w.deps, w.opts, { actor: 'cron', contractId });
        // Besides the change to January: February and March 2025, closed only now and never
        // invoiced, ended before the cap (2025-04-01) and are held for good, not billed.
        expect(r).toMatchObject({ adjusted: 0, notBilled: 3 });
        expect(
          (await storedPeriods(w.ledger.db, contractId))
            .slice(0, 3)
            .map((p) => [p.status, p.holdReason]),
        ).toEqual([
          ['settled', null],
          ['held', 'back_billing_cap'],
          ['held', 'back_billing_cap'],
        ]);
        expect(await w.ledger.db.selectFrom('adjustments').selectAll().execute()).toEqual([]);
        const report = (await auditOf(w.ledger.db, contractId)).find(
          (a) => a.action === 'late_readings_not_billed',
        );
        expect(report?.detail.reason).toMatch(/back-billing cap \(14 months\)/);
      } finally {
        await w.close();
      }
    });

    it('moves out on the 17th at 14:00 local: the period ends there and the contract with it', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['mo-1']);
        await w.readings('mo-1', '2026-08-31T00:00:00Z', '2026-10-18T00:00:00Z');
        w.clock.set('2026-10-18T09:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 1,
          settled: 1,
        }); // September
        await expect(
          moveOut(w.deps, { contractId, at: t('2026-10-17T12:05:00Z'), actor: 'key:s' }),
        ).rejects.toThrow(/quarter hour/);
        await expect(
          moveOut(w.deps, { contractId, at: t('2026-10-19T12:00:00Z'), actor: 'key:s' }),
        ).rejects.toThrow(/future/);
        await expect(
          moveOut(w.deps, { contractId, at: t('2026-09-15T12:00:00Z'), actor: 'key:s' }),
        ).rejects.toThrow(/already closed/);
        const { closed } = await moveOut(w.deps, {
          contractId,
          at: t('2026-10-17T12:00:00Z'),
          actor: 'key:s',
        });
        expect(
          closed.map((p) => [new Date(p.start).toISOString(), new Date(p.end).toISOString()]),
        ).toEqual([['2026-09-30T22:00:00.000Z', '2026-10-17T12:00:00.000Z']]);
        await expect(
          moveOut(w.deps, { contractId, at: t('2026-10-17T12:00:00Z'), actor: 'key:s' }),
        ).rejects.toThrow(/already ended/);
        w.clock.set('2026-10-20T12:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 1,
          closed: 0,
        });
        const [invoice] = await invoicesOf(w.ledger.db, contractId);
        // 16 full days and 14 of the 24 hours of the 17th.
        expect(invoice?.lines.find((l) => l.kind === 'standing_charge')?.quantity).toBe('16.5833');
        expect(invoice?.period).toEqual({
          start: t('2026-09-30T22:00:00Z'),
          end: t('2026-10-17T12:00:00Z'),
        });
        w.clock.set('2027-01-01T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 0,
          settled: 0,
        });
        expect((await auditOf(w.ledger.db, contractId)).map((a) => a.action)).toEqual([
          'close',
          'settle',
          'move_out',
          'settle',
        ]);
      } finally {
        await w.close();
      }
    });

    it('bills adjustments of a contract that has moved out on an adjustment invoice of their own', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['gone-1']);
        await w.readings('gone-1', '2026-08-31T00:00:00Z', '2026-09-10T00:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        await w.readings('gone-1', '2026-09-12T00:00:00Z', '2026-09-20T00:00:00Z', {
          stepMs: HOUR,
          startWh: 1_000_000 + 12 * 24 * 1000,
          whPerStep: 1000,
        });
        w.clock.set('2026-09-25T00:00:00Z');
        await moveOut(w.deps, { contractId, at: t('2026-09-15T00:00:00Z'), actor: 'key:s' });
        w.clock.set('2026-09-30T00:00:00Z');
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          settled: 1,
        });
        const late = [
          {
            meterId: 'gone-1',
            ts: t('2026-09-11T07:00:00Z'),
            importWh: 1_000_000 + 10 * 24 * 1000 + 3000,
            receivedAt: w.clock.now(),
          },
        ];
        await w.store.writeBatch(late);
        await recordLateReadings(w.ledger.db, late, w.clock.now());
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 1,
        });
        const [extra, settled] = await invoicesOf(w.ledger.db, contractId);
        expect(settled?.kind).toBe('period');
        expect(extra).toMatchObject({
          kind: 'adjustment',
          number: 'INV-2026-000002',
          periodId: null,
        });
        expect(
          extra!.lines.every((l) => l.kind === 'adjustment' && l.adjusts === settled!.number),
        ).toBe(true);
        addsUp(extra!.lines, extra!.total);
        // Nothing is billed twice.
        expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
          adjusted: 0,
        });
        expect(await invoicesOf(w.ledger.db, contractId)).toHaveLength(2);
      } finally {
        await w.close();
      }
    });

    it('stops a run when its process shuts down, giving its claims back to the next runner', async () => {
      const w = await open();
      try {
        const contracts = [];
        for (const meterId of ['stop-1', 'stop-2']) {
          contracts.push((await w.contract('2026-09-01T00:00:00+02:00', [meterId])).contractId);
          await w.readings(meterId, '2026-08-31T00:00:00Z', '2026-10-02T00:00:00Z');
        }
        w.clock.set('2026-10-05T00:00:00Z');
        // The shutdown comes while the periods' readings are being read.
        const stopping = new AbortController();
        const store: typeof w.deps.store = {
          windows: (requests) => {
            stopping.abort();
            return w.deps.store.windows(requests);
          },
        };
        const deps = { ...w.deps, store, signal: stopping.signal };
        expect(await runSettlement(deps, w.opts, { actor: 'cron' })).toMatchObject({
          closed: 2,
          settled: 0,
          held: 0,
          failed: 0,
        });
        for (const contractId of contracts)
          expect((await storedPeriods(w.ledger.db, contractId)).map((p) => p.status)).toEqual([
            'closed',
          ]);
        // Another runner settles both at once: no lease of the stopped run is left in its way.
        const other = { ...w.opts, runnerId: 'runner-b' };
        expect(await runSettlement(w.deps, other, { actor: 'cron' })).toMatchObject({
          settled: 2,
        });
      } finally {
        await w.close();
      }
    });

    it('counts periods as failed, without throwing or losing late arrivals, while the readings store is down', async () => {
      const w = await open();
      try {
        const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['down-1']);
        await w.readings('down-1', '2026-08-31T00:00:00Z', '2026-10-02T00:00:00Z', {
          stepMs: HOUR,
          whPerStep: 1000,
        });
        w.clock.set('2026-10-05T00:00:00Z');
        await runSettlement(w.deps, w.opts, { actor: 'cron' });
        await recordLateReadings(
          w.ledger.db,
          [{ meterId: 'down-1', ts: t('2026-09-15T00:30:00Z'), importWh: 0, receivedAt: 0 }],
          w.clock.now(),
        );
        const { contractId: other } = await w.contract('2026-09-01T00:00:00+02:00', ['down-2']);
        await w.store.close(); // the real store, closed: every read now fails
        w.clock.set('2026-11-05T00:00:00Z');
        const r = await runSettlement(w.deps, w.opts, { actor: 'cron' });
        expect(r).toMatchObject({ settled: 0 });
        // the adjusted September, and October of both contracts
        expect(r.failed).toBeGreaterThanOrEqual(3);
        expect((await storedPeriods(w.ledger.db, other)).map((p) => p.status)).toEqual([
          'closed',
          'closed',
        ]);
        expect(
          (await pendingLateReadings(w.ledger.db, 10_000)).changes.map((c) => c.meterId),
        ).toEqual(['down-1']);
        expect((await storedPeriods(w.ledger.db, contractId)).map((p) => p.status)).toEqual([
          'settled',
          'closed',
        ]);
      } finally {
        await w.ledger.close();
      }
    });
  });
}
