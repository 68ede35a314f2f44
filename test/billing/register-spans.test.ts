import { afterEach, describe, expect, inject, it } from 'vitest';
import { invoicesOf } from '../../src/billing/records/invoices-repo.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import type { CounterRules } from '../../src/ingest/counter-spans.js';
import { checkReadings } from '../../src/ingest/plausibility.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import type { Reading } from '../../src/readings/reading.js';
import { billingWorld, HOUR, t, type BillingWorld } from '../support/billing-fixture.js';
import { describeOnPostgres } from '../support/postgres-suite.js';

// September 2026 in Paris: 720 hours from 2026-08-31T22:00Z to 2026-09-30T22:00Z, read hourly (and
// two hours past the end). The device counts `wh` Wh every hour, but its counter does something on
// the way. Whatever it does, the month is `wh` Wh an hour, 8 of every 24 hours off-peak.
const START = t('2026-08-31T22:00:00Z');
const HOURS = 722;

/** What ingest does: the device's readings checked (spans joined) by the meter's rules, stored. */
async function ingest(w: BillingWorld, rules: CounterRules, raws: Reading[]): Promise<Reading[]> {
  const out = checkReadings(
    { installedAt: START - 30 * 86_400_000, maxPowerW: 10_000, counter: rules },
    [],
    raws,
  );
  expect(out.rejected).toEqual([]);
  await w.store.writeBatch(out.accepted);
  return out.accepted;
}

const device = (device: (i: number) => number): Reading[] =>
  Array.from({ length: HOURS + 1 }, (_, i) => ({
    meterId: 'plug',
    ts: START + i * HOUR,
    importWh: device(i),
    receivedAt: START + i * HOUR,
  }));

interface Scenario {
  readonly name: string;
  readonly rules: CounterRules;
  readonly raws: Reading[];
  readonly event: 'reset' | 'wrap' | 'dip';
  /** Lines by hand: [HP kWh, HP amount, HC kWh, HC amount, excise, VAT, total]. */
  readonly lines: readonly [string, string, string, string, string, string, string];
}

const strict: CounterRules = {
  counterResets: 'reject',
  registerMaxWh: null,
  decreaseToleranceWh: 0,
};

const scenarios: Scenario[] = [
  {
    // A Shelly plug rebooting on the 10th at 14:00 local (hour 230): its counter restarts from 0.
    // 50 Wh an hour: 36.000 kWh; HP 24.000 x 0.2081 = 4.9944 -> 4.99; HC 12.000 x 0.1635 = 1.962
    // -> 1.96; standing 30 x 0.4512 = 13.536 -> 13.54; excise 36.000 x 0.0225 = 0.81;
    // subtotal 21.30; VAT 4.26; total 25.56.
    name: 'a Shelly-style reset',
    rules: { ...strict, counterResets: 'new-span' },
    raws: device((i) => (i < 230 ? 812_000 + 50 * i : 50 * (i - 229))),
    event: 'reset',
    lines: ['24.000', '4.99', '12.000', '1.96', '0.81', '4.26', '25.56'],
  },
  {
    // A register of 1,000,000 kWh (it reads 0 where it would read 1,000,000,000 Wh), 35 kWh from
    // the top: it wraps after hour 350. 100 Wh an hour: 72.000 kWh; HP 48.000 -> 9.99;
    // HC 24.000 -> 3.92; standing 13.54; excise 1.62; subtotal 29.07; VAT 5.81; total 34.88.
    name: 'a wrap from 999,999 kWh',
    rules: { ...strict, registerMaxWh: 1_000_000_000 },
    raws: device((i) => (999_965_000 + 100 * i) % 1_000_000_000),
    event: 'wrap',
    lines: ['48.000', '9.99', '24.000', '3.92', '1.62', '5.81', '34.88'],
  },
  {
    // 100 Wh an hour, but on the 15th at 14:00 local (hour 350) the device reads 20 Wh below its
    // previous reading: within the 50 Wh tolerance the index holds, and the next hour counts from
    // the held index (200 Wh), so the month is still 72.000 kWh, all of it in peak hours there.
    name: 'a dip of 20 Wh within a 50 Wh tolerance',
    rules: { ...strict, decreaseToleranceWh: 50 },
    raws: device((i) => (i === 350 ? 3_000_000 + 100 * 349 - 20 : 3_000_000 + 100 * i)),
    event: 'dip',
    lines: ['48.000', '9.99', '24.000', '3.92', '1.62', '5.81', '34.88'],
  },
];

function describeSpans(name: string, open: () => Promise<BillingWorld>): void {
  describe(`register spans, invoiced to the cent (${name})`, () => {
    let w: BillingWorld | undefined;
    afterEach(async () => {
      await w?.close();
    });

    it.each(scenarios)('$name', async (s) => {
      w = await open();
      const { contractId } = await w.contract('2026-09-01T00:00:00+02:00', ['plug']);
      const stored = await ingest(w, s.rules, s.raws);
      expect(stored.filter((r) => r.span?.event !== undefined).map((r) => r.span?.event)).toEqual([
        s.event,
      ]);
      // Stored in order, the index never goes down.
      expect(stored.every((r, i) => i === 0 || r.importWh >= stored[i - 1]!.importWh)).toBe(true);
      w.clock.set('2026-10-05T00:00:00Z');
      expect(await runSettlement(w.deps, w.opts, { actor: 'cron' })).toMatchObject({
        settled: 1,
        held: 0,
      });
      const [invoice] = await invoicesOf(w.ledger.db, contractId);
      const by = (kind: string, i = 0) => invoice!.lines.filter((l) => l.kind === kind)[i]!;
      const [hpKwh, hp, hcKwh, hc, excise, vat, total] = s.lines;
      const energy = invoice!.lines.filter((l) => l.kind === 'energy');
      expect(energy.map((l) => [l.quantity, l.amount]).sort()).toEqual(
        [
          [hpKwh, hp],
          [hcKwh, hc],
        ].sort(),
      );
      expect(by('standing_charge').amount).toBe('13.54');
      expect(by('tax', 0).amount).toBe(excise);
      expect(by('tax', 1).amount).toBe(vat);
      expect(invoice!.total).toBe(total);
    });
  });
}

describeSpans('SQLite ledger, SQLite store', () => billingWorld());

const influxUrl = inject('influxUrl');
describeOnPostgres((createDatabase) => {
  describe.skipIf(influxUrl === '')('with InfluxDB', () => {
    let n = 0;
    describeSpans('PostgreSQL ledger, InfluxDB store', async () =>
      billingWorld(
        await createDatabase(),
        'runner-a',
        createInfluxStore({ url: influxUrl, database: `spans_${process.pid}_${(n += 1)}` }),
      ),
    );
  });
});
