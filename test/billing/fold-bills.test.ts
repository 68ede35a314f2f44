import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldBills, usagesOf } from '../../src/billing/bills/fold-bills.js';
import {
  foldUsages,
  measuredUsage,
  type MeterReadings,
} from '../../src/billing/bills/meter-usage.js';
import { readBillMeters } from '../../src/billing/bills/read-meters.js';
import { PricingInputError } from '../../src/billing/pricing/errors.js';
import type { Reading } from '../../src/readings/reading.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';

const Q = 900_000;
const T0 = Date.parse('2026-10-01T00:00:00Z');
const DAY = { start: T0, end: T0 + 86_400_000 };
/**
 * 60 meters (more than one store call of 25) over a day, each with its own rate, some with exports.
 */
const METERS = Array.from({ length: 60 }, (_, i) => `fold-${String(i).padStart(2, '0')}`);

describe('foldBills (embedded store)', () => {
  const store = createSqliteStore({ path: ':memory:' });
  beforeAll(async () => {
    await store.init();
    const readings: Reading[] = [];
    METERS.forEach((meterId, m) => {
      for (let k = -1; k <= 97; k += 1)
        readings.push({
          meterId,
          ts: T0 + k * Q,
          importWh: 500 + k * (10 + m),
          exportWh: m % 4 === 0 ? k * 2 : undefined,
          receivedAt: T0,
        });
    });
    await store.writeBatch(readings);
  });
  afterAll(async () => {
    await store.close();
  });

  it("sums each bill's meters as they arrive: the same usage as with all readings in memory", async () => {
    const measured = (m: MeterReadings) => measuredUsage(m, DAY);
    const bills = [
      { key: 'all', meterIds: METERS, from: DAY.start, to: DAY.end },
      { key: 'few', meterIds: METERS.slice(0, 3), from: DAY.start, to: DAY.end },
    ];
    const folded = await foldBills(
      store,
      bills.map((b) => ({ ...b, ways: [measured] })),
    );
    const read = await readBillMeters(store, bills);
    for (const b of bills)
      expect(usagesOf(folded.get(b.key), b.key)).toEqual([
        foldUsages(read.get(b.key)!.map(measured)),
      ]);
    const [all] = usagesOf(folded.get('all'), 'all');
    expect(all?.meters).toHaveLength(60);
    expect(all?.intervals).toHaveLength(96);
  });

  it('fails only the bill whose meter cannot be taken', async () => {
    const refuse = (m: MeterReadings) => {
      if (m.meterId === 'fold-07') throw new PricingInputError('no way to take this meter');
      return measuredUsage(m, DAY);
    };
    const folded = await foldBills(store, [
      { key: 'bad', meterIds: METERS.slice(5, 10), from: DAY.start, to: DAY.end, ways: [refuse] },
      {
        key: 'good',
        meterIds: METERS.slice(10, 40),
        from: DAY.start,
        to: DAY.end,
        ways: [refuse, refuse],
      },
    ]);
    expect(() => usagesOf(folded.get('bad'), 'bad')).toThrow(PricingInputError);
    expect(usagesOf(folded.get('good'), 'good')).toHaveLength(2);
    expect(() => usagesOf(folded.get('unknown'), 'unknown')).toThrow(/not read/);
  });

  it('rejects when the store fails', async () => {
    const closed = createSqliteStore({ path: ':memory:' });
    await closed.init();
    await closed.close();
    await expect(
      foldBills(closed, [
        {
          key: 'k',
          meterIds: ['fold-00'],
          from: DAY.start,
          to: DAY.end,
          ways: [(m) => measuredUsage(m, DAY)],
        },
      ]),
    ).rejects.toThrow();
  });
});
