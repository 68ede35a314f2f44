import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { indexWalker, type MeterIndex, registerSeries } from '../../consumption/meter-index.js';
import { sortedReadings } from '../../consumption/sorted-readings.js';
import type { Reading } from '../../readings/reading.js';
import type { PricedInterval, TimeRange } from './bill.js';
import { PricingInputError } from './errors.js';

/** The intervals of a period that readings determine, and the stretches they do not. */
export interface IntervalsFromReadings {
  /** Intervals with a known index at both ends, ascending. */
  readonly intervals: PricedInterval[];
  /**
   * Runs of intervals left out because the index is unknown at one of their ends (before the first
   * reading or after the latest: the engine never extrapolates), merged into ranges, ascending.
   */
  readonly missing: TimeRange[];
}

const exportDiff = (a: MeterIndex, b: MeterIndex): bigint | null =>
  a.exportMwh === undefined || b.exportMwh === undefined ? null : b.exportMwh - a.exportMwh;

/**
 * One meter's readings as the priced intervals of `period` (whose bounds must lie on UTC quarter
 * hours): the index at each quarter-hour edge is the reading there or the linear interpolation
 * between the nearest readings around it (docs/design.md §1), in exact milli-Wh, by the same
 * consumption core that answers the consumption API; so a bill's kWh are the sum of the quarter
 * hours the customer sees. Pass the nearest reading before and after the period too, or its first
 * and last intervals are unknown. Unlike a `partial` consumption bucket, an interval reaching past
 * the latest reading is not priced on the part already measured: it is reported in `missing`, for
 * the caller to settle later, estimate or hold.
 *
 * @throws PricingInputError when a period bound is not on a UTC quarter hour or the period is
 *   reversed.
 */
export function intervalsFromReadings(
  readings: readonly Reading[],
  period: TimeRange,
): IntervalsFromReadings {
  const { start, end } = period;
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    start % QUARTER_MS !== 0 ||
    end % QUARTER_MS !== 0 ||
    start > end
  ) {
    throw new PricingInputError('the period must run forward between UTC quarter hours', {
      start,
      end,
    });
  }
  const indexAt = indexWalker(registerSeries(sortedReadings(readings)));
  const intervals: PricedInterval[] = [];
  const missing: { start: number; end: number }[] = [];
  let atStart = indexAt(start);
  for (let q = start; q < end; q += QUARTER_MS) {
    const atEnd = indexAt(q + QUARTER_MS);
    if (atStart !== undefined && atEnd !== undefined) {
      intervals.push({
        start: q,
        importMwh: atEnd.importMwh - atStart.importMwh,
        exportMwh: exportDiff(atStart, atEnd),
      });
    } else {
      const last = missing.at(-1);
      if (last?.end === q) last.end = q + QUARTER_MS;
      else missing.push({ start: q, end: q + QUARTER_MS });
    }
    atStart = atEnd;
  }
  return { intervals, missing };
}
