import { DateTime, IANAZone } from 'luxon';
import { calendarRule } from '../../consumption/calendar-edges.js';
import type { MeterIndex } from '../../consumption/meter-index.js';
import type { Consent } from '../../privacy/consent.js';
import type { TimeRange } from '../pricing/bill.js';
import { ratioOf } from './apportion.js';
import type { SeasonalFactors } from './recent-projection.js';

/**
 * Last year's windows a seasonal correction compares: `level`, standing for the recent level the
 * projection starts from, and `future`, standing for the days it projects.
 */
export interface LastYearWindows {
  readonly level: TimeRange;
  readonly future: TimeRange;
}

/** 52 weeks: the same weekdays last year, so weekends line up with weekends. */
const YEAR_DAYS = 364;
/** Last year's level window: four weeks, long enough that one odd week does not set the ratio. */
const LEVEL_DAYS = 28;
/**
 * Last year's future window is widened by three days each side: a few days left to project would
 * otherwise compare a handful of last year's days, whose weather says nothing about this year's.
 */
const PAD_DAYS = 3;
/**
 * Half of last year's move is applied: the ratio of two of last year's windows is itself noisy, and
 * shrinking it halfway cut the p90 error of the simulated fleet most (docs/estimates.md).
 */
const WEIGHT = 0.5;
/** A factor outside [0.5, 2] says more about last year's data than about the season. */
const MIN_FACTOR = 0.5;
const MAX_FACTOR = 2;
/**
 * Export below 0.1 kWh a day in last year's level window (a winter month, panels fitted since) gives
 * no ratio worth applying.
 */
const MIN_EXPORT_MWH_PER_DAY = 100_000n;

const DAY_MS = 86_400_000;

/**
 * Last year's windows for an estimate at `horizon` (the instant its data reaches under the consent:
 * now, the last local midnight or the month start) of a period ending at `periodEnd`, in `tz`.
 * Under `interval` and `day` consent: the four weeks before the same local time 52 weeks earlier,
 * and from three days before then to three days after the period end 52 weeks earlier (all on
 * local midnights under `day`). Under `month`: last year's month before the period and last year's
 * month of the period, month edges only, so the correction rests on whole months as the consent
 * requires.
 */
export function lastYearWindows(
  consent: Consent,
  tz: string,
  horizon: number,
  periodStart: number,
  periodEnd: number,
): LastYearWindows {
  const zone = IANAZone.create(tz);
  const back = (t: number, days: number) =>
    DateTime.fromMillis(t, { zone }).minus({ days }).toMillis();
  if (consent === 'month') {
    const months = calendarRule('month', tz);
    const start = DateTime.fromMillis(periodStart, { zone }).minus({ years: 1 }).toMillis();
    const thisMonth = months.floor(start);
    return {
      level: { start: months.floor(thisMonth - 1), end: thisMonth },
      future: { start: thisMonth, end: months.next(thisMonth) },
    };
  }
  return {
    level: { start: back(horizon, YEAR_DAYS + LEVEL_DAYS), end: back(horizon, YEAR_DAYS) },
    future: {
      start: back(horizon, YEAR_DAYS + PAD_DAYS),
      end: back(periodEnd, YEAR_DAYS - PAD_DAYS),
    },
  };
}

/** The four instants whose indexes a seasonal correction needs. */
export const windowEdges = (w: LastYearWindows): number[] => [
  w.level.start,
  w.level.end,
  w.future.start,
  w.future.end,
];

const clampFactor = (r: number) => Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, 1 + WEIGHT * (r - 1)));

/**
 * The seasonal factors of one meter from its indexes at the edges of last year's windows: how much
 * last year's future window's average power differed from its level window's, half of it applied
 * (see `WEIGHT`), within [0.5, 2], for import and export each. Undefined when an index is unknown
 * (no readings a year back) or last year's level imported nothing; export gets factor 1 when last
 * year's level window exported next to nothing.
 */
export function seasonalFactors(
  w: LastYearWindows,
  indexAt: (t: number) => MeterIndex | undefined,
): SeasonalFactors | undefined {
  const [a, b, c, d] = windowEdges(w).map(indexAt);
  if (a === undefined || b === undefined || c === undefined || d === undefined) return undefined;
  const levelMs = w.level.end - w.level.start;
  const futureMs = w.future.end - w.future.start;
  if (levelMs <= 0 || futureMs <= 0) return undefined;
  const levelImport = b.importMwh - a.importMwh;
  const futureImport = d.importMwh - c.importMwh;
  if (levelImport <= 0n || futureImport < 0n) return undefined;
  const ratio = (future: bigint, level: bigint) =>
    Number(future) / futureMs / (Number(level) / levelMs);
  let exportFactor = 1;
  if (
    a.exportMwh !== undefined &&
    b.exportMwh !== undefined &&
    c.exportMwh !== undefined &&
    d.exportMwh !== undefined
  ) {
    const levelExport = b.exportMwh - a.exportMwh;
    const futureExport = d.exportMwh - c.exportMwh;
    const perDay = (levelExport * BigInt(DAY_MS)) / BigInt(levelMs);
    if (perDay >= MIN_EXPORT_MWH_PER_DAY && futureExport >= 0n)
      exportFactor = clampFactor(ratio(futureExport, levelExport));
  }
  return {
    importFactor: ratioOf(clampFactor(ratio(futureImport, levelImport))),
    exportFactor: ratioOf(exportFactor),
  };
}
