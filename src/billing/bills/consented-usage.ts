import { ruleFor } from '../../consumption/group-by.js';
import { sortedReadings } from '../../consumption/sorted-readings.js';
import type { Consent } from '../../privacy/consent.js';
import { BASELINE_MS, projectIntervals } from '../estimate/projection.js';
import { monthProjection } from '../estimate/month-projection.js';
import type { TimeRange } from '../pricing/bill.js';
import { intervalsFromReadings } from '../pricing/intervals-from-readings.js';
import { type MeterReadings, type MeterUsage, noUsage, projectedUsage } from './meter-usage.js';

/**
 * The latest instant whose data an estimate at `now` may rest on under `consent`: `now` for
 * `interval`, the last local midnight for `day`, the start of the local month for `month`.
 */
export function consentHorizon(consent: Consent, tz: string, now: number): number {
  return consent === 'interval' ? now : ruleFor(consent === 'day' ? 'day' : 'month', tz).floor(now);
}

/**
 * How far before `horizon` an estimate under `consent` reads: the 7-day baseline, or, under
 * `month`, the whole local month before it.
 */
export function consentBaselineStart(consent: Consent, tz: string, horizon: number): number {
  return consent === 'month' ? ruleFor('month', tz).floor(horizon - 1) : horizon - BASELINE_MS;
}

/**
 * One meter's usage for an open period's estimate at `now`, resting on no data finer than the
 * contract's consent allows, so that polling the bill cannot rebuild what the consent withholds:
 * - `interval`: measured up to the latest reading, then the 7-day baseline (as `projectedUsage`);
 * - `day`: measured up to the last local midnight the meter's readings reach, then the 7-day
 *   baseline of the whole days before it (method `baseline-7d`): the bill moves at midnights only;
 * - `month`: measured up to the last local month start the readings reach (none of the open
 *   period), then the previous whole month's average power spread evenly (`baseline-month`): the
 *   bill does not move within the month.
 * `latestTs` (the basis's `asOf`) is that midnight or month start, not the latest reading.
 */
export function consentedUsage(
  m: MeterReadings,
  period: TimeRange,
  tz: string,
  now: number,
  consent: Consent,
): MeterUsage {
  if (consent === 'interval') return projectedUsage(m, period, tz, now);
  const unit = consent === 'day' ? 'day' : 'month';
  const all = sortedReadings(m.readings.filter((r) => r.ts <= now));
  const last = all.at(-1);
  const none = noUsage(m.meterId);
  if (last === undefined) return none;
  // The edge the data reaches: an index is known there when a reading lies at or after it.
  const cut = ruleFor(unit, tz).floor(Math.min(consentHorizon(consent, tz, now), last.ts));
  // Readings up to the cut, and the first one after it, which interpolates the index at the cut.
  const firstAfter = all.findIndex((r) => r.ts > cut);
  const sorted = firstAfter === -1 ? all : all.slice(0, firstAfter + 1);
  const from = Math.max(period.start, cut);
  const measured =
    cut > period.start
      ? intervalsFromReadings(sorted, { start: period.start, end: cut }).intervals
      : [];
  const baselineRange = { start: consentBaselineStart(consent, tz, cut), end: cut };
  const baseline = intervalsFromReadings(sorted, baselineRange).intervals;
  const projection =
    consent === 'month'
      ? monthProjection(baseline, from, period.end)
      : projectIntervals({ measured: [], asOf: cut, periodEnd: period.end, baseline, tz });
  return {
    meterId: m.meterId,
    measured,
    projected: projection.intervals.filter((i) => i.start >= from),
    method: projection.method,
    latestTs: cut,
    endKnown: false,
  };
}
