import { floorQuarter } from '../../consumption/edge-rule.js';
import { ruleFor } from '../../consumption/group-by.js';
import { sortedReadings } from '../../consumption/sorted-readings.js';
import type { Consent } from '../../privacy/consent.js';
import { dayTotals } from '../estimate/day-totals.js';
import { monthProjection } from '../estimate/month-projection.js';
import { projectRecent, type SeasonalFactors } from '../estimate/recent-projection.js';
import type { TimeRange } from '../pricing/bill.js';
import { intervalsFromReadings } from '../pricing/intervals-from-readings.js';
import {
  type MeterReadings,
  type MeterUsage,
  isFinalIndex,
  measuredUsage,
  noUsage,
} from './meter-usage.js';

const DAY_MS = 86_400_000;
/**
 * The history an estimate reads before its cut: four weeks of days for the range's residuals, of
 * which the last two are the projection's level window.
 */
export const HISTORY_DAYS = 28;
export const HISTORY_MS = HISTORY_DAYS * DAY_MS;

/**
 * The latest instant whose data an estimate at `now` may rest on under `consent`: `now` for
 * `interval`, the last local midnight for `day`, the start of the local month for `month`.
 */
export function consentHorizon(consent: Consent, tz: string, now: number): number {
  return consent === 'interval' ? now : ruleFor(consent === 'day' ? 'day' : 'month', tz).floor(now);
}

/**
 * How far before `horizon` an estimate under `consent` reads: the four weeks of history, or, under
 * `month`, the whole local month before it.
 */
export function consentBaselineStart(consent: Consent, tz: string, horizon: number): number {
  return consent === 'month' ? ruleFor('month', tz).floor(horizon - 1) : horizon - HISTORY_MS;
}

/** What the last year tells an estimate, per meter (see `seasonal-factors.ts`). */
export type SeasonalLookup = (meterId: string) => SeasonalFactors | undefined;

/**
 * One meter's usage for an open period's estimate at `now`, resting on no data finer than the
 * contract's consent allows, so that polling the bill cannot rebuild what the consent withholds:
 * - `interval`: measured up to the quarter hour of the latest reading, then projected from the
 *   two weeks before it (docs/estimates.md), with the four weeks' whole days as its history;
 * - `day`: the same, cut at the last local midnight the meter's readings reach: the bill moves at
 *   midnights only;
 * - `month`: measured up to the last local month start the readings reach (none of the open
 *   period), then the previous whole month's average power spread evenly, and no daily history:
 *   the bill does not move within the month.
 * `latestTs` (the basis's `asOf`) is the latest reading, or that midnight or month start.
 * `seasonal` gives each meter's factors from last year, when there is one.
 */
export function consentedUsage(
  m: MeterReadings,
  period: TimeRange,
  tz: string,
  now: number,
  consent: Consent,
  seasonal?: SeasonalLookup,
): MeterUsage {
  const all = sortedReadings(m.readings.filter((r) => r.ts <= now));
  const last = all.at(-1);
  if (last === undefined) return noUsage(m.meterId);
  if (consent === 'interval' && last.ts >= period.end)
    return measuredUsage({ meterId: m.meterId, readings: all }, period);
  // A meter an exchange took out counts up to its final index and nothing after: projecting it
  // would count the period's rest twice, once more beside its successor.
  if (isFinalIndex(last)) return measuredUsage({ meterId: m.meterId, readings: all }, period);
  // The edge the data reaches: an index is known there when a reading lies at or after it.
  const cut =
    consent === 'interval'
      ? floorQuarter(last.ts)
      : ruleFor(consent, tz).floor(Math.min(consentHorizon(consent, tz, now), last.ts));
  // Readings up to the cut, and the first one after it, which interpolates the index at the cut.
  const firstAfter = all.findIndex((r) => r.ts > cut);
  const sorted = firstAfter === -1 ? all : all.slice(0, firstAfter + 1);
  const from = Math.max(period.start, cut);
  const measured =
    cut > period.start
      ? intervalsFromReadings(sorted, { start: period.start, end: cut }).intervals
      : [];
  const factors = seasonal?.(m.meterId);
  const base = {
    meterId: m.meterId,
    measured,
    latestTs: consent === 'interval' ? last.ts : cut,
    endKnown: false,
  };
  if (consent === 'month') {
    const range = { start: consentBaselineStart(consent, tz, cut), end: cut };
    const projection = monthProjection(
      intervalsFromReadings(sorted, range).intervals,
      from,
      period.end,
      factors,
    );
    return { ...base, projected: projection.intervals, method: projection.kind };
  }
  const history = intervalsFromReadings(sorted, { start: cut - HISTORY_MS, end: cut }).intervals;
  const projection = projectRecent({
    cut,
    from,
    periodEnd: period.end,
    baseline: history,
    tz,
    seasonal: factors,
  });
  const dayRule = ruleFor('day', tz);
  const firstDay = dayRule.next(dayRule.floor(cut - HISTORY_MS - 1));
  return {
    ...base,
    projected: projection.intervals,
    method: projection.kind,
    history: dayTotals(history, tz, firstDay, dayRule.floor(cut)),
  };
}
