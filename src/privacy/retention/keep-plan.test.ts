import { describe, expect, it } from 'vitest';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { measuredBill } from '../../billing/bills/period-bill.js';
import { tariffSchema } from '../../billing/tariff-schema.js';
import type { Reading } from '../../readings/reading.js';
import { neededInstants, removalPlan, tariffEdges } from './keep-plan.js';

const t = (iso: string) => Date.parse(iso);
const Q = 900_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const tariff = tariffSchema.parse(DESIGN_TARIFF);
// October 2026 in Paris: 31 local days, the last Sunday (the 25th) 25 hours long.
const OCTOBER = { start: t('2026-09-30T22:00:00Z'), end: t('2026-10-31T23:00:00Z') };

/**
 * A household: more at night than by day, a morning peak, and noise, every 15 minutes with one
 * reading off the quarter hour now and then, so that re-pricing cannot match by accident.
 */
function household(from: number, to: number, meterId = 'm'): Reading[] {
  const out: Reading[] = [];
  let wh = 5_000_000;
  for (let ts = from, i = 0; ts <= to; ts += Q, i++) {
    const hour = new Date(ts).getUTCHours();
    wh += (hour >= 20 || hour < 5 ? 400 : 120) + (hour === 6 ? 700 : 0) + ((i * 7919) % 97);
    out.push({ meterId, ts: i % 11 === 5 ? ts + 7 * 60_000 : ts, importWh: wh, receivedAt: ts });
  }
  return out;
}

describe('neededInstants', () => {
  it('month: the period edges only', () => {
    expect(neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level: 'month' })).toEqual([
      OCTOBER.start,
      OCTOBER.end,
    ]);
  });

  it('day: every local midnight, the 25-hour day included', () => {
    const days = neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level: 'day' });
    expect(days).toHaveLength(32);
    expect(days.map(iso)).toEqual(
      expect.arrayContaining(['2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z']),
    );
    expect(days.map(iso)).not.toContain('2026-10-25T22:00:00Z');
  });

  it('with a time-of-use tariff: each change of band (06:00 and 22:00 local), on top of the level', () => {
    const edges = tariffEdges(tariff, OCTOBER, 'Europe/Paris');
    expect(edges.filter((e) => e !== OCTOBER.start && e !== OCTOBER.end)).toHaveLength(62);
    expect(edges.map(iso)).toEqual(
      expect.arrayContaining([
        '2026-10-01T04:00:00Z',
        '2026-10-01T20:00:00Z',
        '2026-10-26T05:00:00Z',
      ]),
    );
    const month = neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level: 'month', tariff });
    expect(month).toHaveLength(64);
    expect(month).toEqual([...month].sort((a, b) => a - b));
  });

  it('with a version change: its instant, and no band changes under a flat version', () => {
    const doc = structuredClone(DESIGN_TARIFF) as unknown as { versions: unknown[] };
    doc.versions.push({
      validFrom: '2026-10-15T00:00:00+02:00',
      standingChargePerDay: '0.5',
      energy: { type: 'flat', rate: '0.2' },
      taxes: [],
    });
    const edges = tariffEdges(tariffSchema.parse(doc), OCTOBER, 'Europe/Paris').map(iso);
    expect(edges).toContain('2026-10-14T22:00:00Z');
    expect(edges.filter((e) => e > '2026-10-14T22:00:00Z' && e < '2026-10-31T23:00:00Z')).toEqual(
      [],
    );
  });

  it('an invoice cut by the back-billing cap: the index where it starts, and band changes from there only', () => {
    // The cap cut October at 13:00 local on the 15th, which is no band edge.
    const billedFrom = t('2026-10-15T11:00:00Z');
    const month = neededInstants({
      period: OCTOBER,
      tz: 'Europe/Paris',
      level: 'month',
      tariff,
      billedFrom,
    });
    expect(month.map(iso)).toContain('2026-10-15T11:00:00Z');
    // The period start, the cut, the band changes at 22:00 on the 15th and at 06:00 and 22:00
    // from the 16th to the 31st, the period end: nothing of the part left off is priced again.
    expect(month).toHaveLength(2 + 1 + 16 * 2 + 1);
    expect(month.filter((x) => x > OCTOBER.start && x < billedFrom)).toEqual([]);
    // Without a tariff (past the cap) the cut is kept all the same; a cut on an edge adds nothing.
    expect(
      neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level: 'month', billedFrom }),
    ).toEqual([OCTOBER.start, billedFrom, OCTOBER.end]);
    expect(
      neededInstants({
        period: OCTOBER,
        tz: 'Europe/Paris',
        level: 'month',
        billedFrom: OCTOBER.start,
      }),
    ).toEqual([OCTOBER.start, OCTOBER.end]);
  });
});

describe('removalPlan', () => {
  const ts = [0, 10, 20, 30, 40, 50, 60, 70].map((m) => m * 60_000);
  it('keeps the reading at an instant, or both neighbours around it, and removes the runs between', () => {
    const plan = removalPlan(ts, [20 * 60_000, 45 * 60_000], { from: 0, to: 70 * 60_000 });
    // 20 is exact; 45 needs 40 and 50.
    expect(plan.ranges).toEqual([
      { from: 0, to: 10 * 60_000 },
      { from: 30 * 60_000, to: 30 * 60_000 },
      { from: 60 * 60_000, to: 70 * 60_000 },
    ]);
    expect(plan.count).toBe(5);
  });

  it('never touches readings outside its scope, and finds nothing more to do once applied', () => {
    const scope = { from: 10 * 60_000, to: 60 * 60_000 };
    const plan = removalPlan(ts, [10 * 60_000, 60 * 60_000], scope);
    expect(plan.ranges).toEqual([{ from: 20 * 60_000, to: 50 * 60_000 }]);
    const left = ts.filter((x) => !plan.ranges.some((r) => x >= r.from && x <= r.to));
    expect(removalPlan(left, [10 * 60_000, 60 * 60_000], scope)).toEqual({ ranges: [], count: 0 });
  });

  it('with no readings, or no instants inside, plans accordingly', () => {
    expect(removalPlan([], [5], { from: 0, to: 10 })).toEqual({ ranges: [], count: 0 });
    expect(removalPlan([1, 2, 3], [], { from: 0, to: 10 })).toEqual({
      ranges: [{ from: 1, to: 3 }],
      count: 3,
    });
  });

  it.each(['day', 'month'] as const)(
    '%s level with the tariff: the period re-priced from what is left matches, line for line',
    (level) => {
      const readings = household(OCTOBER.start - 2 * 3_600_000, OCTOBER.end + 2 * 3_600_000);
      const input = { tariff, tz: 'Europe/Paris', period: OCTOBER };
      const before = measuredBill({ ...input, meters: [{ meterId: 'm', readings }] });
      const plan = removalPlan(
        readings.map((r) => r.ts),
        neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level, tariff }),
        { from: OCTOBER.start, to: OCTOBER.end },
      );
      const left = readings.filter((r) => !plan.ranges.some((x) => r.ts >= x.from && r.ts <= x.to));
      expect(left.length).toBeLessThan(readings.length / 10);
      const after = measuredBill({ ...input, meters: [{ meterId: 'm', readings: left }] });
      expect(after.bill).toEqual(before.bill);
      expect(after.basis).toEqual(before.basis);
      // Without the tariff's edges the bands would be mis-split: the reason they are kept.
      const coarse = removalPlan(
        readings.map((r) => r.ts),
        neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level }),
        { from: OCTOBER.start, to: OCTOBER.end },
      );
      const bare = readings.filter(
        (r) => !coarse.ranges.some((x) => r.ts >= x.from && r.ts <= x.to),
      );
      expect(
        measuredBill({ ...input, meters: [{ meterId: 'm', readings: bare }] }).bill.total,
      ).not.toBe(before.bill.total);
    },
  );

  it.each(['day', 'month'] as const)(
    '%s level, an invoice cut by the back-billing cap: the billed part re-priced from what is left matches',
    (level) => {
      const cappedAt = t('2026-10-15T11:00:00Z');
      const readings = household(OCTOBER.start - 2 * 3_600_000, OCTOBER.end + 2 * 3_600_000);
      const input = { tariff, tz: 'Europe/Paris', period: OCTOBER, cappedAt };
      const before = measuredBill({ ...input, meters: [{ meterId: 'm', readings }] });
      const keep = (billedFrom?: number) => {
        const plan = removalPlan(
          readings.map((r) => r.ts),
          neededInstants({ period: OCTOBER, tz: 'Europe/Paris', level, tariff, billedFrom }),
          { from: OCTOBER.start, to: OCTOBER.end },
        );
        return readings.filter((r) => !plan.ranges.some((x) => r.ts >= x.from && r.ts <= x.to));
      };
      const after = measuredBill({
        ...input,
        meters: [{ meterId: 'm', readings: keep(cappedAt) }],
      });
      expect(after.bill).toEqual(before.bill);
      expect(after.basis).toEqual(before.basis);
      // Without the index at the cut, the first hours of the billed part would be interpolated.
      const uncut = measuredBill({ ...input, meters: [{ meterId: 'm', readings: keep() }] });
      expect(uncut.bill.total).not.toBe(before.bill.total);
    },
  );
});
