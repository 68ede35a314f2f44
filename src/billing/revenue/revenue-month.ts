import { calendarRule } from '../../consumption/calendar-edges.js';
import { AppError } from '../../shared/app-error.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

/** A calendar month `YYYY-MM`, read in each contract's own zone. */
export interface RevenueMonth {
  readonly month: string;
  /** The 15th at 00:00 UTC: inside the local month of every zone (offsets stay within ±14 h). */
  readonly mid: number;
  /**
   * `[from, to)` holding the start of every billing period of the month in any zone: a period starts
   * at its local month start (within 14 h of the UTC one) or later in the month.
   */
  readonly from: number;
  readonly to: number;
}

/**
 * Parse `YYYY-MM`.
 *
 * @throws AppError `validation_failed` for anything else.
 */
export function revenueMonth(month: string): RevenueMonth {
  if (!MONTH.test(month))
    throw new AppError(
      'validation_failed',
      `month: expected YYYY-MM, got ${JSON.stringify(month.slice(0, 20))}`,
    );
  const mid = Date.parse(`${month}-15T00:00:00Z`);
  return { month, mid, from: mid - 20 * DAY_MS, to: mid + 20 * DAY_MS };
}

/** The edges of a month in one zone: `[start, end)`. */
export interface MonthEdges {
  readonly start: number;
  readonly end: number;
}

/**
 * The edges of `m` in each zone, computed once per zone: calendar arithmetic is the dearest step a
 * fleet-wide answer takes per contract, and a fleet has few zones.
 */
export function monthEdges(m: RevenueMonth): (tz: string) => MonthEdges {
  const known = new Map<string, MonthEdges>();
  return (tz) => {
    let e = known.get(tz);
    if (e === undefined) {
      const rule = calendarRule('month', tz);
      const start = rule.floor(m.mid);
      e = { start, end: rule.next(start) };
      known.set(tz, e);
    }
    return e;
  };
}

/** Whether an instant lies in the month on the local calendar of a zone. */
export function inLocalMonth(m: RevenueMonth): (ms: number, tz: string) => boolean {
  const edgesOf = monthEdges(m);
  return (ms, tz) => {
    const e = edgesOf(tz);
    return ms >= e.start && ms < e.end;
  };
}

/**
 * How long a valuation of an unsettled bill stands for: a question about an instant takes each
 * bill's latest valuation of the 15 minutes before it, the interval of meter readings and of the
 * settlement schedule.
 */
export const MARK_REUSE_MS = 15 * 60_000;
