import { afterEach, describe, expect, inject, it } from 'vitest';
import { contractBill } from '../../src/billing/bill-view.js';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { auditOf } from '../../src/audit/audit-log.js';
import { exchangeMeter } from '../../src/fleet/exchange/exchange-meter.js';
import { exchangeSchema } from '../../src/fleet/exchange/exchange-schema.js';
import { findMeters } from '../../src/fleet/meters-repo.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { AppError } from '../../src/shared/app-error.js';
import { changeConsent } from '../../src/privacy/consent-repo.js';
import { contractConsumption } from '../../src/privacy/contract-consumption.js';
import { billingWorld, HOUR, t, type BillingWorld } from '../support/billing-fixture.js';
import { describeOnPostgres } from '../support/postgres-suite.js';

// September 2026 in Paris, 100 W all month (100 Wh an hour), the old meter until the exchange on
// the 15th at 12:00 local, the new one from there. 30 days x 24 h x 100 Wh = 72.000 kWh, 8 of every
// 24 hours off-peak (22:00-06:00): HC 24.000 kWh, HP 48.000 kWh. By hand (docs/design.md §5):
//   HP 48.000 x 0.2081 = 9.9888 -> 9.99; HC 24.000 x 0.1635 = 3.924 -> 3.92
//   standing 30 days x 0.4512 = 13.536 -> 13.54; excise 72.000 x 0.0225 = 1.62
//   subtotal 29.07; VAT 20 % of 29.07 = 5.814 -> 5.81; total 34.88
const MONTH_START = '2026-08-31T22:00:00Z';
const EXCHANGE = '2026-09-15T10:00:00Z';
const NEXT_MONTH = '2026-09-30T22:00:00Z';

async function exchangeMidMonth(w: BillingWorld): Promise<string> {
  const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['ex-old']);
  // The old meter from 5,000,000 Wh, read hourly up to an hour before the exchange.
  await w.readings('ex-old', MONTH_START, t(EXCHANGE) - HOUR, {
    stepMs: HOUR,
    startWh: 5_000_000,
    whPerStep: 100,
  });
  const hoursBefore = (t(EXCHANGE) - t(MONTH_START)) / HOUR;
  w.clock.set('2026-09-15T10:30:00Z');
  await exchangeMeter(
    { db: w.ledger.db, store: w.store, clock: w.clock },
    { actor: 'key:staff-1' },
    'ex-old',
    exchangeSchema.parse({
      at: EXCHANGE,
      finalIndex: { importWh: 5_000_000 + hoursBefore * 100 },
      newMeter: { id: 'ex-new', startIndex: { importWh: 12 } },
    }),
  );
  // The new meter from its start index, hourly, past the month end.
  await w.readings('ex-new', t(EXCHANGE) + HOUR, '2026-10-01T02:00:00Z', {
    stepMs: HOUR,
    startWh: 112,
    whPerStep: 100,
  });
  return contractId;
}

function describeExchange(name: string, open: () => Promise<BillingWorld>): void {
  describe(`a meter exchange in the middle of a month (${name})`, () => {
    let w: BillingWorld | undefined;
    afterEach(async () => {
      await w?.close();
    });

    it('bills the month across both meters without gap or spike, to the cent', async () => {
      w = await open();
      const contractId = await exchangeMidMonth(w);
      const meters = await findMeters(w.ledger.db, ['ex-old', 'ex-new']);
      const old = meters.find((m) => m.id === 'ex-old');
      const created = meters.find((m) => m.id === 'ex-new');
      expect(old).toMatchObject({ id: 'ex-old', removedAt: t(EXCHANGE) });
      expect(created).toMatchObject({ id: 'ex-new', contractId, installedAt: t(EXCHANGE) });
      w.clock.set('2026-10-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 1,
        held: 0,
      });
      const [invoice] = await invoicesOf(w.ledger.db, contractId);
      const amounts = Object.fromEntries(
        invoice!.lines.map((l) => [l.kind + ':' + l.description.slice(0, 20), l.amount]),
      );
      expect(invoice!.lines.map((l) => [l.kind, l.quantity, l.amount])).toEqual(
        expect.arrayContaining([
          ['energy', '48.000', '9.99'],
          ['energy', '24.000', '3.92'],
          ['standing_charge', '30.0000', '13.54'],
        ]),
      );
      expect(invoice!.total, JSON.stringify(amounts)).toBe('34.88');
      expect(invoice!.subtotal).toBe('29.07');
      const audit = await auditOf(w.ledger.db, contractId);
      expect(audit.map((a) => a.action)).toContain('meter_exchange');
    });

    it('answers the contract’s consumption across both meters, hour by hour and for the month', async () => {
      w = await open();
      const contractId = await exchangeMidMonth(w);
      await changeConsent(
        { db: w.ledger.db, clock: w.clock },
        { visibility: { all: true }, actor: 'test', role: 'admin' },
        contractId,
        'interval',
      );
      const deps = { db: w.ledger.db, store: w.store };
      const around = await contractConsumption(deps, {
        visibility: { all: true },
        contractId,
        from: t('2026-09-15T07:00:00Z'),
        to: t('2026-09-15T13:00:00Z'),
        groupBy: 'hour',
      });
      // 100 Wh every hour, the exchange hour included: no gap, no spike.
      expect(around.buckets.map((b) => b.importWh)).toEqual([100, 100, 100, 100, 100, 100]);
      expect(around.meters.map((m) => m.meterId)).toEqual(['ex-new', 'ex-old']);
      // The hours whose edge rests on the staff's final and start index say so.
      expect(around.buckets.map((b) => b.quality)).toEqual([
        'measured',
        'measured',
        'manual',
        'manual',
        'measured',
        'measured',
      ]);
      const month = await contractConsumption(deps, {
        visibility: { all: true },
        contractId,
        from: t(MONTH_START),
        to: t(NEXT_MONTH) - 1,
        groupBy: 'month',
      });
      expect(month.buckets.map((b) => b.importWh)).toEqual([72_000]);
      await expect(
        contractConsumption(deps, {
          visibility: { all: false, customerId: 'someone-else' },
          contractId,
          from: t(MONTH_START),
          to: t(NEXT_MONTH) - 1,
          groupBy: 'month',
        }),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('estimates the open month without projecting the old meter past its final index', async () => {
      w = await open();
      const contractId = await exchangeMidMonth(w);
      // On the 20th at 00:00Z: the new meter's readings so far, none of the old one's after the 15th.
      w.clock.set('2026-09-20T00:00:00Z');
      await changeConsent(
        { db: w.ledger.db, clock: w.clock },
        { visibility: { all: true }, actor: 'test', role: 'admin' },
        contractId,
        'interval',
      );
      const bill = await contractBill(
        { db: w.ledger.db, store: w.store, clock: w.clock },
        { all: true },
        contractId,
      );
      expect(bill.status).toBe('estimated');
      // 100 Wh an hour all month whichever meter counts it: 72 kWh, projected by one meter only
      // (twice that if the old meter were projected too).
      const kwh = bill.lines
        .filter((l) => l.kind === 'energy')
        .reduce((a, l) => a + Number(l.quantity), 0);
      expect(kwh).toBeGreaterThan(65);
      expect(kwh).toBeLessThan(80);
    });

    it('keeps the old meter out: a period after the exchange waits for the new meter only', async () => {
      w = await open();
      const contractId = await exchangeMidMonth(w);
      // October: only the new meter reads on; its reading after the end settles the period.
      await w.readings('ex-new', '2026-10-01T03:00:00Z', '2026-11-01T01:00:00Z', {
        stepMs: HOUR,
        startWh: 112 + 100 * ((t('2026-10-01T03:00:00Z') - t(EXCHANGE)) / HOUR - 1),
        whPerStep: 100,
      });
      w.clock.set('2026-11-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 2,
        held: 0,
      });
      const invoices = await invoicesOf(w.ledger.db, contractId);
      expect(invoices.map((i) => i.period.start).sort()).toEqual([t(MONTH_START), t(NEXT_MONTH)]);
    });

    it('refuses a second exchange, readings after the exchange, a taken id and a lower index', async () => {
      w = await open();
      await exchangeMidMonth(w);
      const again = (at: string, newId: string, importWh: number, oldId = 'ex-old') =>
        exchangeMeter(
          { db: w!.ledger.db, store: w!.store, clock: w!.clock },
          { actor: 'key:staff-1' },
          oldId,
          exchangeSchema.parse({
            at,
            finalIndex: { importWh },
            newMeter: { id: newId, startIndex: { importWh: 0 } },
          }),
        ).catch((e: unknown) => e);
      w.clock.set('2026-09-20T00:00:00Z');
      expect(await again('2026-09-15T11:00:00Z', 'x-1', 9_999_999)).toMatchObject({
        code: 'conflict',
      });
      // ex-new has readings after 2026-09-15T11:00Z.
      expect(await again('2026-09-15T11:00:00Z', 'x-2', 9_999_999, 'ex-new')).toMatchObject({
        code: 'conflict',
      });
      w.clock.set('2026-10-02T00:00:00Z');
      expect(await again('2026-10-01T06:00:00Z', 'ex-old', 9_999_999, 'ex-new')).toMatchObject({
        code: 'conflict',
      });
      const lower = await again('2026-10-01T06:00:00Z', 'x-3', 1, 'ex-new');
      expect(lower).toBeInstanceOf(AppError);
      expect(lower).toMatchObject({ code: 'unprocessable' });
    });
  });
}

describeExchange('SQLite ledger, SQLite store', () => billingWorld());

const influxUrl = inject('influxUrl');
describeOnPostgres((createDatabase) => {
  describe.skipIf(influxUrl === '')('with InfluxDB', () => {
    let n = 0;
    describeExchange('PostgreSQL ledger, InfluxDB store', async () =>
      billingWorld(
        await createDatabase(),
        'runner-a',
        createInfluxStore({ url: influxUrl, database: `exchange_${process.pid}_${(n += 1)}` }),
      ),
    );
  });
});
