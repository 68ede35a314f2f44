import { DateTime } from 'luxon';
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

/** Whether instant `ms` lies in `month` on the local calendar of `tz`. */
export function inLocalMonth(ms: number, tz: string, month: string): boolean {
  return DateTime.fromMillis(ms, { zone: tz }).toFormat('yyyy-MM') === month;
}

/**
 * How long a valuation of an unsettled bill stands for: a question about an instant takes each
 * bill's latest valuation of the 15 minutes before it, the interval of meter readings and of the
 * settlement schedule.
 */
export const MARK_REUSE_MS = 15 * 60_000;
