import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { isValidTimeZone } from '../../consumption/group-by.js';
import { divRoundHalfUp } from '../../consumption/milli-wh.js';
import type { PricedInterval } from '../pricing/bill.js';
import { localClock } from '../pricing/local-clock.js';
import { apportion, ONE, type Ratio } from './apportion.js';

const DAY_MS = 86_400_000;
/**
 * The level window: the 14 days before the cut. Two weeks hold ten weekdays and four weekend days,
 * enough to tell the two apart; a longer window lags behind the season (measured on the simulated
 * fleet, docs/estimates.md).
 */
export const LEVEL_DAYS = 14;
export const LEVEL_MS = LEVEL_DAYS * DAY_MS;

/**
 * How the energy to the period end was projected: `recent-weeks` (the level window's weekday and
 * weekend shape), `seasonal` (the same, scaled by how the same weeks last year moved against
 * their own recent level), `month-average` (under `month` consent: the last whole local month's
 * average power, spread evenly), `month-seasonal` (the same, scaled by last year's move from that
 * month to this one), `none` (nothing to project from).
 */
export type ProjectionKind =
  'recent-weeks' | 'seasonal' | 'month-average' | 'month-seasonal' | 'none';

/** Multipliers of the projected import and export (1: no seasonal correction). */
export interface SeasonalFactors {
  readonly importFactor: Ratio;
  readonly exportFactor: Ratio;
}

/** What the projection of an open period starts from. */
export interface RecentProjectionInput {
  /**
   * The cut (epoch ms, on a UTC quarter hour): the level window is the 14 days before it, and the
   * projection covers `[from, periodEnd)`.
   */
  readonly cut: number;
  /** Where the projection starts (on a UTC quarter hour, at or after `cut`); default `cut`. */
  readonly from?: number;
  /** End of the open period (on a UTC quarter hour). */
  readonly periodEnd: number;
  /**
   * Measured intervals before the cut, ascending; those of `[cut - 14 days, cut)` are used. Missing
   * intervals are unknown, not zero: every mean is over the intervals present.
   */
  readonly baseline: readonly PricedInterval[];
  /** The contract's IANA zone: weekdays, weekends and quarter hours of the day are local. */
  readonly tz: string;
  /** Seasonal correction; absent: none (`recent-weeks`). */
  readonly seasonal?: SeasonalFactors | undefined;
}

/** Projected consumption to period end, import and export. */
export interface RecentProjection {
  /**
   * One interval per quarter hour of `[from, periodEnd)`; `exportMwh` null when the baseline has no
   * export register. Empty with kind `none`.
   */
  readonly intervals: PricedInterval[];
  readonly projectedImportMwh: bigint;
  readonly projectedExportMwh: bigint;
  readonly kind: ProjectionKind;
}

const SLOTS_PER_DAY = 96;
/** Saturday and Sunday (local weekdays 5 and 6, Monday being 0). */
const isWeekend = (weekday: number) => weekday >= 5;

interface Acc {
  sum: bigint;
  count: bigint;
}

const add = (m: Map<number, Acc>, key: number, v: bigint) => {
  const a = m.get(key);
  if (a === undefined) m.set(key, { sum: v, count: 1n });
  else {
    a.sum += v;
    a.count += 1n;
  }
};

/**
 * Mean per slot `(weekend?, quarter of the day)` of one register, falling back to the mean of the
 * same kind of day, then to the overall mean, where a slot has no data (a clock change, a short
 * baseline, a window without weekend).
 */
function slotMeans(
  values: readonly { slot: number; v: bigint }[],
): ((slot: number) => Acc) | undefined {
  if (values.length === 0) return undefined;
  const bySlot = new Map<number, Acc>();
  const byKind = new Map<number, Acc>();
  const all: Acc = { sum: 0n, count: 0n };
  for (const { slot, v } of values) {
    add(bySlot, slot, v);
    add(byKind, slot >= SLOTS_PER_DAY ? 1 : 0, v);
    all.sum += v;
    all.count += 1n;
  }
  return (slot) => bySlot.get(slot) ?? byKind.get(slot >= SLOTS_PER_DAY ? 1 : 0) ?? all;
}

/**
 * Split `total` over the quarter hours in proportion to their slot means, exactly. The total itself
 * is the exact sum of the slot means (fractions `sum / count`, put over a common denominator)
 * times the seasonal factor, rounded half away from zero to the milli-Wh.
 */
function project(means: readonly Acc[], factor: Ratio): { shares: bigint[]; total: bigint } {
  if (means.length === 0) return { shares: [], total: 0n };
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const lcm = means.reduce((l, m) => (l * m.count) / gcd(l, m.count), 1n);
  const weights = means.map((m) => m.sum * (lcm / m.count));
  const exact = weights.reduce((a, w) => a + w, 0n);
  const total = divRoundHalfUp(exact * factor.num, lcm * factor.den);
  return { shares: apportion(total, weights), total };
}

/**
 * The estimate's projection from the recent weeks (docs/estimates.md): each remaining quarter hour
 * gets the mean of the level window's quarter hours at the same time of a day of the same kind
 * (weekday or weekend), for import and export alike, so a solar home's projected export is
 * credited and the weekend's different rhythm shows in the total and in the time-of-use bands.
 * With seasonal factors, both are scaled by them (kind `seasonal`). Exact: totals are the exact sum
 * of the means times the factor, rounded to the milli-Wh, apportioned to the quarter hours.
 *
 * @throws RangeError for a cut or period end off the quarter-hour grid, an unknown zone, or a
 *   negative baseline value.
 */
export function projectRecent(input: RecentProjectionInput): RecentProjection {
  const { cut, periodEnd, tz } = input;
  const from = input.from ?? cut;
  if (!Number.isSafeInteger(cut) || cut % QUARTER_MS !== 0)
    throw new RangeError(`the cut must lie on a UTC quarter hour, got ${cut}`);
  if (!Number.isSafeInteger(from) || from % QUARTER_MS !== 0 || from < cut)
    throw new RangeError(`the projection must start on a quarter hour at or after the cut`);
  if (!Number.isSafeInteger(periodEnd) || periodEnd % QUARTER_MS !== 0)
    throw new RangeError(`the period end must lie on a UTC quarter hour, got ${periodEnd}`);
  if (!isValidTimeZone(tz)) throw new RangeError(`unknown IANA time zone ${JSON.stringify(tz)}`);
  const clock = localClock(tz);
  const slotOf = (t: number): number => {
    const local = clock(t);
    return (isWeekend(local.weekday) ? SLOTS_PER_DAY : 0) + Math.floor(local.minuteOfDay / 15);
  };
  const imports: { slot: number; v: bigint }[] = [];
  const exports: { slot: number; v: bigint }[] = [];
  for (const i of input.baseline) {
    if (i.start < cut - LEVEL_MS || i.start + QUARTER_MS > cut) continue;
    if (i.importMwh < 0n || (i.exportMwh !== null && i.exportMwh < 0n))
      throw new RangeError(`negative baseline value at ${new Date(i.start).toISOString()}`);
    const slot = slotOf(i.start);
    imports.push({ slot, v: i.importMwh });
    if (i.exportMwh !== null) exports.push({ slot, v: i.exportMwh });
  }
  const importMean = slotMeans(imports);
  const none = { intervals: [], projectedImportMwh: 0n, projectedExportMwh: 0n, kind: 'none' };
  if (importMean === undefined) return none as RecentProjection;
  const exportMean = slotMeans(exports);
  const starts: number[] = [];
  for (let t = from; t < periodEnd; t += QUARTER_MS) starts.push(t);
  const slots = starts.map(slotOf);
  const imp = project(slots.map(importMean), input.seasonal?.importFactor ?? ONE);
  const exp =
    exportMean === undefined
      ? undefined
      : project(slots.map(exportMean), input.seasonal?.exportFactor ?? ONE);
  return {
    intervals: starts.map((start, k) => ({
      start,
      importMwh: imp.shares[k] ?? 0n,
      exportMwh: exp === undefined ? null : (exp.shares[k] ?? 0n),
    })),
    projectedImportMwh: imp.total,
    projectedExportMwh: exp?.total ?? 0n,
    kind: input.seasonal === undefined ? 'recent-weeks' : 'seasonal',
  };
}
