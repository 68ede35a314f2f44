import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DayTotal } from '../estimate/day-totals.js';
import { foldUsages, type MeterUsage, UsageFold } from './meter-usage.js';

const Q = 900_000;
const iv = (k: number, importMwh: bigint, exportMwh: bigint | null) => ({
  start: k * Q,
  importMwh,
  exportMwh,
});
const usage = (
  meterId: string,
  measured: MeterUsage['measured'],
  projected: MeterUsage['projected'] = [],
  o: Partial<MeterUsage> = {},
): MeterUsage => ({
  meterId,
  measured,
  projected,
  method: projected.length > 0 ? 'baseline-7d' : 'none',
  latestTs: measured.at(-1)?.start,
  endKnown: projected.length === 0,
  ...o,
});

const a = usage('a', [iv(0, 10n, null), iv(1, 20n, 5n)]);
const b = usage('b', [iv(1, 1n, null), iv(2, 2n, 3n)], [iv(3, 7n, null)]);
const c = usage('c', [iv(0, 100n, 1n)], [iv(1, 50n, 2n), iv(2, 50n, null)]);

describe('UsageFold', () => {
  it('sums the meters per quarter hour: imports exactly, exports where any meter has one', () => {
    expect(foldUsages([a, b, c])).toEqual({
      intervals: [iv(0, 110n, 1n), iv(1, 71n, 7n), iv(2, 52n, 3n), iv(3, 7n, null)],
      projected: [iv(1, 50n, 2n), iv(2, 50n, null), iv(3, 7n, null)],
      history: [],
      meters: [
        {
          meterId: 'a',
          latestTs: Q,
          endKnown: true,
          method: 'none',
          measuredMwh: 30n,
          projectedMwh: 0n,
          projectedExportMwh: 0n,
          projectedIntervals: 0,
        },
        {
          meterId: 'b',
          latestTs: 2 * Q,
          endKnown: false,
          method: 'baseline-7d',
          measuredMwh: 3n,
          projectedMwh: 7n,
          projectedExportMwh: 0n,
          projectedIntervals: 1,
        },
        {
          meterId: 'c',
          latestTs: 0,
          endKnown: false,
          method: 'baseline-7d',
          measuredMwh: 100n,
          projectedMwh: 100n,
          projectedExportMwh: 2n,
          projectedIntervals: 2,
        },
      ],
    });
  });

  it('sums daily histories, keeping only the days every meter with a history has', () => {
    const day = (start: number, importMwh: bigint, exportMwh: bigint | null) => ({
      start,
      weekend: false,
      quarters: 96,
      importMwh,
      exportMwh,
    });
    const h1 = { ...a, history: [day(0, 10n, null), day(96 * Q, 20n, 1n)] };
    const h2 = { ...b, history: [day(96 * Q, 5n, 2n), day(192 * Q, 7n, null)] };
    expect(foldUsages([h1, h2, c]).history).toEqual([day(96 * Q, 25n, 3n)]);
  });

  it('gives the same answer whatever order the meters arrive in', () => {
    const want = foldUsages([a, b, c]);
    for (const order of [
      [a, c, b],
      [b, a, c],
      [b, c, a],
      [c, a, b],
      [c, b, a],
    ]) {
      const fold = new UsageFold();
      order.forEach((u) => fold.add(u));
      expect(fold.result()).toEqual(want);
    }
  });

  it("keeps one meter's intervals as they are, and has nothing without meters", () => {
    expect(foldUsages([c]).intervals).toEqual([...c.measured, ...c.projected]);
    expect(foldUsages([])).toEqual({ intervals: [], projected: [], history: [], meters: [] });
  });

  it('answers a lone meter as summing it with a meter of nothing would, whatever its lists', () => {
    const interval = fc.record({
      k: fc.integer({ min: 0, max: 40 }),
      imp: fc.bigInt({ min: 0n, max: 10n ** 9n }),
      exp: fc.option(fc.bigInt({ min: 0n, max: 10n ** 6n })),
    });
    const list = fc
      .array(interval, { maxLength: 12 })
      .map((xs) => xs.map((x) => iv(x.k, x.imp, x.exp)));
    const days = fc.option(
      fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 6 }).map((ks) =>
        ks.map((k): DayTotal => ({
          start: k * 96 * Q,
          weekend: k % 7 > 4,
          quarters: 96,
          importMwh: BigInt(k),
          exportMwh: null,
        })),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.boolean(), list, list, days, (sorted, m, p, history) => {
        const order = <T extends { start: number }>(xs: T[]) =>
          sorted
            ? [...new Map(xs.map((x) => [x.start, x])).values()].sort((x, y) => x.start - y.start)
            : xs;
        const u = usage(
          'u',
          order(m),
          order(p),
          history === undefined ? {} : { history: order(history) },
        );
        const alone = foldUsages([u]);
        const summed = foldUsages([u, usage('v', [])]);
        expect(alone.intervals).toEqual(summed.intervals);
        expect(alone.projected).toEqual(summed.projected);
        expect(alone.history).toEqual(summed.history);
        expect(alone.meters).toEqual(summed.meters.filter((x) => x.meterId === 'u'));
      }),
      { numRuns: 500 },
    );
  });
});
