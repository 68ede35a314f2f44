import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeConsumption } from '../../consumption/buckets.js';
import { bucketEdges, type GroupBy, snapRange } from '../../consumption/group-by.js';
import type { Reading } from '../reading.js';
import { columnsOf } from '../register-columns.js';
import { pointOf, summariseDay } from './day-points.js';
import { thinnedColumns } from './day-series.js';

const MIN = 60_000;
const DAY = 86_400_000;
const START = Date.parse('2026-03-20T00:00:00Z');
// Zones with DST changes inside the data, and offsets of 30 and 45 minutes.
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'UTC',
];
/** Mostly a 15-minute cadence, so that most days are measured and one gap shows. */
const stepArb = fc.oneof(
  { arbitrary: fc.constant(15 * MIN), weight: 400 },
  { arbitrary: fc.constant(5 * MIN), weight: 20 },
  { arbitrary: fc.constant(60 * MIN), weight: 4 },
  { arbitrary: fc.constant(75 * MIN), weight: 2 },
  { arbitrary: fc.constant(3 * 60 * MIN), weight: 2 },
  { arbitrary: fc.constant(2 * DAY), weight: 1 },
);
const markArb = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 600 },
  {
    arbitrary: fc.constantFrom(
      'customer' as const,
      'staff' as const,
      'reset' as const,
      'wrap' as const,
    ),
    weight: 4,
  },
);

/** A meter's readings: a cadence with gaps, export on some, a few people's readings and resets. */
const readingsArb = fc
  .array(
    fc.record({
      step: stepArb,
      wh: fc.integer({ min: 0, max: 400 }),
      exp: fc.option(fc.integer({ min: 0, max: 50 }), { freq: 20 }),
      mark: markArb,
    }),
    { minLength: 0, maxLength: 4000, size: 'max' },
  )
  .map((steps) => {
    const out: Reading[] = [];
    let ts = START;
    let imp = 10_000;
    let exp = 0;
    for (const s of steps) {
      ts += s.step;
      imp += s.wh;
      exp += s.exp ?? 0;
      const m = s.mark;
      out.push({
        meterId: 'm',
        ts,
        importWh: imp,
        exportWh: s.exp === null ? undefined : exp,
        receivedAt: ts,
        ...(m === 'customer' || m === 'staff' ? { source: m } : {}),
        ...(m === 'reset' || m === 'wrap' ? { span: { event: m } } : {}),
      });
    }
    return out;
  });

/** The store's window [from, to]: the readings inside, the nearest before and after. */
function windowOf(all: readonly Reading[], from: number, to: number): Reading[] {
  const before = all.filter((r) => r.ts < from).at(-1);
  const inside = all.filter((r) => r.ts >= from && r.ts <= to);
  const after = all.find((r) => r.ts > to);
  return [...(before ? [before] : []), ...inside, ...(after ? [after] : [])];
}

/**
 * The thinned series as the API assembles it: the days in [start, cut) summarised, the nearest
 * reading before start, then the store's window from cut (or the nearest reading after end).
 */
function thinned(all: readonly Reading[], tz: string, start: number, end: number, through: number) {
  const edges = bucketEdges(start, end, 'day', tz, 100_000);
  let cut = start;
  for (const e of edges) if (e <= Math.min(end, through)) cut = e;
  const days = [];
  for (let i = 1; i < edges.length && edges[i]! <= cut; i++) {
    const day = { start: edges[i - 1]!, end: edges[i]!, timezone: tz };
    const s = summariseDay(
      'm',
      day,
      all.filter((r) => r.ts >= day.start && r.ts < day.end),
    );
    if (s !== undefined) days.push(s);
  }
  const prior = all.filter((r) => r.ts < start).at(-1);
  const before = prior === undefined ? undefined : pointOf(prior);
  if (cut < end) return thinnedColumns({ before, days, tail: columnsOf(windowOf(all, cut, end)) });
  const next = all.find((r) => r.ts >= end);
  return thinnedColumns({ before, days, after: next === undefined ? undefined : pointOf(next) });
}

describe('a series thinned to day summaries', () => {
  it('answers day and month consumption exactly as every reading does', () => {
    fc.assert(
      fc.property(
        readingsArb,
        fc.constantFrom(...ZONES),
        fc.constantFrom<GroupBy>('day', 'month'),
        fc.integer({ min: -5, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: -3, max: 130 }),
        (all, tz, groupBy, fromDay, lengthDays, throughDay) => {
          const { start, end } = snapRange(
            START + fromDay * DAY,
            START + (fromDay + lengthDays) * DAY,
            groupBy,
            tz,
          );
          const through = START + throughDay * DAY + 7 * 60 * MIN;
          const cut = { from: start, to: end, groupBy, tz };
          const raw = computeConsumption({ ...cut, series: columnsOf(windowOf(all, start, end)) });
          const series = thinned(all, tz, start, end, through);
          expect(computeConsumption({ ...cut, series })).toEqual(raw);
          const events = (m: ReadonlyMap<number, string> | undefined) =>
            [...(m ?? [])].filter(([ts]) => ts > start && ts <= end);
          expect(events(series.counterEvents)).toEqual(
            events(columnsOf(windowOf(all, start, end)).counterEvents),
          );
          // It reads less: at most the days' kept readings and the tail.
          expect(series.ts.length).toBeLessThanOrEqual(windowOf(all, start, end).length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps a day to its first, its last, its gaps and its marked readings', () => {
    const day = { start: START, end: START + DAY, timezone: 'UTC' };
    const rs: Reading[] = [];
    for (let ts = START; ts < START + DAY; ts += 15 * MIN) {
      if (ts > START + 6 * 3_600_000 && ts < START + 9 * 3_600_000) continue;
      rs.push({ meterId: 'm', ts, importWh: ts / MIN, receivedAt: ts });
    }
    rs[20] = { ...rs[20]!, source: 'customer' };
    const s = summariseDay('m', day, rs)!;
    expect(s.readings).toBe(rs.length);
    expect(s.points.map((p) => p[0])).toEqual([0, 20, 24, 25, rs.length - 1].map((i) => rs[i]!.ts));
    expect(s.points[1]![3]).toBe('customer');
    expect(s.gaps).toEqual([[START + 6 * 3_600_000, START + 9 * 3_600_000]]);
    expect(summariseDay('m', day, [])).toBeUndefined();
  });
});
