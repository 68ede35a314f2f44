import type { Reading } from '../../readings/reading.js';
import type { TakenBy } from '../../readings/register-columns.js';
import { strongerTakenBy } from '../../consumption/quality.js';

/**
 * Who took the readings a bill's start and end indexes rest on, when a person did (docs/design.md
 * §8 "Readings taken by people"): `customer` for a self-read, `staff` for a reading staff entered or
 * corrected. An edge the meter's own readings give is left out.
 */
export interface IndexSource {
  readonly start?: TakenBy | undefined;
  readonly end?: TakenBy | undefined;
}

/**
 * Who took a reading the index at `t` rests on, among readings ascending by `ts`: the reading at
 * `t`, or the two around it that the index is interpolated between (`staff` when either is
 * staff's). Undefined when the meter took them, or when there is no index at `t`.
 */
export function edgeTakenBy(sorted: readonly Reading[], t: number): TakenBy | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  const at = sorted[lo];
  if (at === undefined) return undefined;
  if (at.ts === t) return at.source;
  const before = sorted[lo - 1];
  return before === undefined ? undefined : strongerTakenBy(before.source, at.source);
}

/**
 * The index source of a contract's bill: per edge, the strongest among its meters (staff's outranks
 * the customer's), or undefined when every edge rests on the meters' own readings.
 */
export function contractIndexSource(
  meters: readonly { readonly indexSource?: IndexSource | undefined }[],
): IndexSource | undefined {
  let start: TakenBy | undefined;
  let end: TakenBy | undefined;
  for (const m of meters) {
    start = strongerTakenBy(start, m.indexSource?.start);
    end = strongerTakenBy(end, m.indexSource?.end);
  }
  if (start === undefined && end === undefined) return undefined;
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}
