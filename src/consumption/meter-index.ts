import type { Reading } from '../readings/reading.js';
import { columnsOf, type RegisterColumns, type TakenBy } from '../readings/register-columns.js';
import { strongerTakenBy } from './quality.js';
import { divRoundHalfUp, whToMilliWh } from './milli-wh.js';

/** The cumulative registers of a meter at one instant, in exact milli-Wh. */
export interface MeterIndex {
  readonly importMwh: bigint;
  /** Undefined when the meter reports no export register there. */
  readonly exportMwh: bigint | undefined;
}

/**
 * A meter's registers ascending by `ts` with one entry per instant (readings/register-columns).
 * They turn into exact milli-Wh only where an index is asked (`indexOf`): a month of readings has
 * thousands, its day edges need dozens.
 */
export type RegisterSeries = RegisterColumns;

/**
 * The register series of readings already sorted ascending by `ts` without duplicates (see
 * `sortedReadings`).
 */
export const registerSeries = (sorted: readonly Reading[]): RegisterSeries => columnsOf(sorted);

/** The registers of reading `i` in exact milli-Wh, undefined past either end. */
export function indexOf(s: RegisterSeries, i: number): MeterIndex | undefined {
  if (i < 0 || i >= s.ts.length) return undefined;
  const e = s.exportWh?.[i];
  return {
    importMwh: whToMilliWh(s.importWh[i]!),
    exportMwh: e === undefined || Number.isNaN(e) ? undefined : whToMilliWh(e),
  };
}

/**
 * The register value at `t` on the straight line from `(ta, a)` to `(tb, b)`, `ta < tb`, rounded
 * half away from zero to the milli-Wh: `a + (b - a) * (t - ta) / (tb - ta)`, exactly.
 */
export function interpolateMwh(a: bigint, b: bigint, ta: number, tb: number, t: number): bigint {
  return a + divRoundHalfUp((b - a) * BigInt(t - ta), BigInt(tb - ta));
}

function indexBetween(s: RegisterSeries, i: number, t: number): MeterIndex | undefined {
  const tb = s.ts[i];
  const b = indexOf(s, i);
  if (tb === undefined || b === undefined) return undefined; // after the last reading
  if (tb === t) return b;
  const ta = s.ts[i - 1];
  const a = indexOf(s, i - 1);
  if (ta === undefined || a === undefined) return undefined; // before the first reading
  return {
    importMwh: interpolateMwh(a.importMwh, b.importMwh, ta, tb, t),
    exportMwh:
      a.exportMwh === undefined || b.exportMwh === undefined
        ? undefined
        : interpolateMwh(a.exportMwh, b.exportMwh, ta, tb, t),
  };
}

/** The first position whose `ts` is at or after `t`, searching from `lo`. */
function lowerBound(ts: ArrayLike<number>, t: number, lo: number): number {
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The index at `t` (docs/design.md §1): the reading at `t`, or the linear interpolation between the
 * nearest readings before and after. Undefined before the first reading or after the last (no
 * extrapolation); the export value is undefined where a bounding reading lacks it.
 */
export function indexAt(series: RegisterSeries, t: number): MeterIndex | undefined {
  return indexBetween(series, lowerBound(series.ts, t, 0), t);
}

/**
 * `indexAt` for instants asked in non-decreasing order, with a pointer that only moves forward:
 * n readings and m instants cost O(n + m). An instant earlier than the previous one restarts the
 * search.
 */
export function indexWalker(series: RegisterSeries): (t: number) => MeterIndex | undefined {
  let i = 0;
  let last = -Infinity;
  return (t) => {
    if (t < last) i = lowerBound(series.ts, t, 0);
    last = t;
    while (i < series.ts.length && (series.ts[i] ?? Infinity) < t) i++;
    return indexBetween(series, i, t);
  };
}

/**
 * Who took a reading that the index at `t` rests on, when a person did: the reading at `t`, or the
 * two around it that the index is interpolated between (`staff` when either is staff's). Undefined
 * when the meter took them, or when there is no index at `t`.
 */
export function takenByAt(series: RegisterSeries, t: number): TakenBy | undefined {
  const takenBy = series.takenBy;
  if (takenBy === undefined || takenBy.size === 0) return undefined;
  const i = lowerBound(series.ts, t, 0);
  const at = series.ts[i];
  if (at === undefined) return undefined;
  if (at === t) return takenBy.get(at);
  const before = series.ts[i - 1];
  if (before === undefined) return undefined;
  return strongerTakenBy(takenBy.get(before), takenBy.get(at));
}
