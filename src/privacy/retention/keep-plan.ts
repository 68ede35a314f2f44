import type { TimeRange } from '../../billing/pricing/bill.js';
import { localClock } from '../../billing/pricing/local-clock.js';
import { splitByVersion } from '../../billing/pricing/tariff-parts.js';
import { touBandOf } from '../../billing/pricing/tou-bands.js';
import type { Tariff } from '../../billing/tariff-schema.js';
import { calendarRule } from '../../consumption/calendar-edges.js';
import { QUARTER_MS } from '../../consumption/edge-rule.js';
import type { ReadingRange } from '../../readings/reading.js';

/**
 * What retention reduces a settled period to: indexes at local day edges, or at the period edges
 * only.
 */
export type RetentionLevel = 'day' | 'month';

/** What one settled period of one meter must still answer after retention. */
export interface KeepPlanInput {
  /** The settled billing period. */
  readonly period: TimeRange;
  /** The contract's IANA zone: local days are cut there. */
  readonly tz: string;
  readonly level: RetentionLevel;
  /**
   * While the period may still be re-priced (back-billing): its tariff, whose price changes need an
   * index too.
   */
  readonly tariff?: Tariff | undefined;
  /**
   * Where the period's invoice starts when the back-billing cap cut it (the invoice's
   * `period.start`, after the period start): an adjustment re-prices the invoice from there, so
   * the index there must not move, and price changes before it are never priced again.
   */
  readonly billedFrom?: number | undefined;
}

/**
 * The instants at which the meter's index must stay exactly what it was (ascending, no duplicates):
 * the period edges; the start of a cut invoice's billed part; local midnights for `day`; and with a
 * tariff, each version change and each change of time-of-use band inside the billed part. Pricing
 * sums intervals that are differences of indexes at quarter hours, so a band's energy telescopes
 * to the index at its last edge minus the index at its first: keeping those indexes keeps every
 * line of the invoice, whatever is interpolated in between. An invoice the back-billing cap cut
 * begins at `billedFrom`, which is rarely a band edge: without its index, re-pricing would
 * interpolate there and an adjustment would bill a difference no reading made.
 */
export function neededInstants(input: KeepPlanInput): number[] {
  const { period, tz, level, tariff } = input;
  const out = new Set<number>([period.start, period.end]);
  const billed = billedPart(period, input.billedFrom);
  out.add(billed.start);
  if (level === 'day') {
    const days = calendarRule('day', tz);
    for (let edge = days.floor(period.start); edge < period.end; edge = days.next(edge))
      if (edge > period.start) out.add(edge);
  }
  if (tariff !== undefined) for (const t of tariffEdges(tariff, billed, tz)) out.add(t);
  return [...out].sort((a, b) => a - b);
}

/** The part of `period` its invoice billed: from `billedFrom` when that lies inside it. */
function billedPart(period: TimeRange, billedFrom: number | undefined): TimeRange {
  return billedFrom !== undefined && billedFrom > period.start && billedFrom < period.end
    ? { start: billedFrom, end: period.end }
    : { start: period.start, end: period.end };
}

/**
 * Where the price of energy can change inside `period`: tariff version changes and time-of-use band
 * changes.
 */
export function tariffEdges(tariff: Tariff, period: TimeRange, tz: string): number[] {
  const out: number[] = [];
  for (const part of splitByVersion(tariff, period)) {
    out.push(part.start, part.end);
    if (part.version.energy.type !== 'tou') continue;
    // Pricing gives each interval the band at its local start, so bands change on quarter hours
    // only.
    const bandOf = touBandOf(part.version.energy);
    const local = localClock(tz);
    let previous = bandOf(local(part.start));
    for (let q = Math.ceil(part.start / QUARTER_MS) * QUARTER_MS; q < part.end; q += QUARTER_MS) {
      const band = bandOf(local(q));
      if (band !== previous) out.push(q);
      previous = band;
    }
  }
  return out;
}

/** What to remove from a meter's readings, as ranges for `ReadingStore.deleteRanges`. */
export interface RemovalPlan {
  readonly ranges: ReadingRange[];
  /** Readings inside the ranges. */
  readonly count: number;
}

/**
 * The readings inside `scope` (bounds included) that no needed instant depends on, as runs of
 * consecutive readings. An instant depends on the reading at it, or else on the nearest reading
 * before and after (docs/design.md §1 interpolation), so those are kept and the index there does
 * not move. Readings outside `scope` (a neighbouring period) are never removed. `timestamps` must
 * be ascending and unique.
 */
export function removalPlan(
  timestamps: readonly number[],
  instants: readonly number[],
  scope: ReadingRange,
): RemovalPlan {
  const keep = new Set<number>();
  let i = 0;
  for (const t of instants) {
    while (i < timestamps.length && (timestamps[i] ?? Infinity) < t) i++;
    const at = timestamps[i];
    if (at === t) {
      keep.add(t);
      continue;
    }
    const before = timestamps[i - 1];
    if (before !== undefined) keep.add(before);
    if (at !== undefined) keep.add(at);
  }
  const ranges: ReadingRange[] = [];
  let run: { from: number; to: number } | undefined;
  let count = 0;
  for (const ts of timestamps) {
    if (ts < scope.from || ts > scope.to || keep.has(ts)) {
      if (run !== undefined) ranges.push(run);
      run = undefined;
      continue;
    }
    count += 1;
    run = run === undefined ? { from: ts, to: ts } : { from: run.from, to: ts };
  }
  if (run !== undefined) ranges.push(run);
  return { ranges, count };
}
