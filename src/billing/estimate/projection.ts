import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { isValidTimeZone } from '../../consumption/group-by.js';
import { divRoundHalfUp } from '../../consumption/milli-wh.js';
import type { PricedInterval } from '../pricing/bill.js';
import { localClock } from '../pricing/local-clock.js';

/**
 * The baseline window: the 7 days before the latest reading (docs/design.md §5). Since estimates
 * project from `recent-projection.ts`, this projection extrapolates only a forced settlement's
 * missing end index, whose invoice lines say "extrapolated from the 7-day baseline".
 */
export const BASELINE_MS = 7 * 86_400_000;

/** `baseline-7d`: average import power of the baseline, shaped by it; `none`: nothing projected. */
export type ProjectionMethod = 'baseline-7d' | 'none';

/** What the projection of an open period starts from. */
export interface ProjectionInput {
  /**
   * Intervals measured so far in the open period, ascending; all must start before the projection
   * does.
   */
  readonly measured: readonly PricedInterval[];
  /**
   * The latest reading (epoch ms): the projection covers
   * `[asOf rounded up to a quarter hour, periodEnd)`.
   */
  readonly asOf: number;
  /** End of the open period (epoch ms, on a UTC quarter hour, as every period edge is). */
  readonly periodEnd: number;
  /**
   * Measured intervals of `[asOf - 7 days, asOf)`, ascending; others are ignored. Missing intervals
   * are unknown, not zero: the average is over the intervals present.
   */
  readonly baseline: readonly PricedInterval[];
  /**
   * The contract's IANA time zone: the shape follows local weekdays and quarter hours of the day.
   */
  readonly tz: string;
}

/** Projected consumption to period end. */
export interface Projection {
  /**
   * One interval per quarter hour of `[asOf rounded up, periodEnd)`, `exportMwh` null; empty with
   * method `none`.
   */
  readonly intervals: PricedInterval[];
  /** Sum of `intervals`: baseline average power × remaining time, in exact milli-Wh. */
  readonly projectedImportMwh: bigint;
  readonly method: ProjectionMethod;
}

const SLOTS_PER_DAY = 96;

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/**
 * `total` split in proportion to `weights` (non-negative, at least one), exactly: each share is the
 * floor of its exact value, and the units left go one each to the largest fractional parts, earlier
 * intervals first on ties, so the result is deterministic and sums to `total`. All-zero weights
 * split evenly.
 */
function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  let sum = weights.reduce((a, w) => a + w, 0n);
  const ws = sum === 0n ? weights.map(() => 1n) : weights;
  if (sum === 0n) sum = BigInt(ws.length);
  const shares = ws.map((w) => (total * w) / sum);
  let left = total - shares.reduce((a, s) => a + s, 0n);
  const order = ws.map((w, i) => ({ i, rest: (total * w) % sum }));
  order.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}

function check(input: ProjectionInput, start: number): void {
  const { asOf, periodEnd, tz } = input;
  if (!Number.isSafeInteger(asOf))
    throw new RangeError(`asOf must be an integer instant, got ${asOf}`);
  if (!Number.isSafeInteger(periodEnd) || periodEnd % QUARTER_MS !== 0)
    throw new RangeError(`the period end must lie on a UTC quarter hour, got ${periodEnd}`);
  if (!isValidTimeZone(tz)) throw new RangeError(`unknown IANA time zone ${JSON.stringify(tz)}`);
  const last = input.measured.at(-1);
  if (last !== undefined && last.start >= start)
    throw new RangeError('measured intervals must all start before the projection');
}

/**
 * The estimate's projection (docs/design.md §5, method `baseline-7d`) for the quarter hours from
 * `asOf` rounded up to the period end. Its total is the average import power of the baseline times
 * the remaining time, exactly (`Σ baseline × remaining intervals / baseline intervals`, rounded
 * half away from zero to the milli-Wh). Its shape, which decides the band mix under time-of-use,
 * follows the baseline: each projected interval is weighted by the mean of the baseline intervals
 * at the same local weekday and quarter hour of the day, or by the baseline's flat mean where there
 * are none (a baseline shorter than a week, a clock change), then the total is apportioned to the
 * weights. Baseline export is ignored. Without any baseline interval, nothing is projected (method
 * `none`).
 *
 * @throws RangeError for a period end off the quarter-hour grid, an unknown zone, a negative
 *   baseline import, or measured intervals reaching into the projection.
 */
export function projectIntervals(input: ProjectionInput): Projection {
  const start = Math.ceil(input.asOf / QUARTER_MS) * QUARTER_MS;
  check(input, start);
  const clock = localClock(input.tz);
  const slotOf = (t: number): number => {
    const local = clock(t);
    return local.weekday * SLOTS_PER_DAY + Math.floor(local.minuteOfDay / 15);
  };

  const bySlot = new Map<number, { sum: bigint; count: bigint }>();
  let sum = 0n;
  let count = 0n;
  for (const interval of input.baseline) {
    if (interval.start < input.asOf - BASELINE_MS || interval.start + QUARTER_MS > input.asOf)
      continue;
    if (interval.importMwh < 0n)
      throw new RangeError(`negative baseline import at ${new Date(interval.start).toISOString()}`);
    const slot = slotOf(interval.start);
    const seen = bySlot.get(slot) ?? { sum: 0n, count: 0n };
    bySlot.set(slot, { sum: seen.sum + interval.importMwh, count: seen.count + 1n });
    sum += interval.importMwh;
    count += 1n;
  }
  if (count === 0n) return { intervals: [], projectedImportMwh: 0n, method: 'none' };

  const starts: number[] = [];
  for (let t = start; t < input.periodEnd; t += QUARTER_MS) starts.push(t);
  const means = starts.map((t) => bySlot.get(slotOf(t)) ?? { sum, count });
  // Means are fractions sum/count: over a common denominator they become exact integer weights.
  const lcm = means.reduce((l, m) => (l * m.count) / gcd(l, m.count), 1n);
  const weights = means.map((m) => m.sum * (lcm / m.count));
  const total = divRoundHalfUp(sum * BigInt(starts.length), count);
  const shares = starts.length === 0 ? [] : apportion(total, weights);
  return {
    intervals: starts.map((t, i) => ({ start: t, importMwh: shares[i] ?? 0n, exportMwh: null })),
    projectedImportMwh: total,
    method: 'baseline-7d',
  };
}
