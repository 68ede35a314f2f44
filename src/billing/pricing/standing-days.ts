import { DateTime } from 'luxon';
import { calendarRule } from '../../consumption/calendar-edges.js';
import { divRoundHalfUp } from '../../consumption/milli-wh.js';
import type { TimeRange } from './bill.js';
import { Dec } from './decimal.js';

/** Standing charge quantities carry 4 decimals (docs/design.md §5 rule 3). */
export const DAY_DECIMALS = 4;

const DAY_MS = 86_400_000;

/**
 * Local calendar days from the day starting at `from` to the day starting at `to` (both day
 * starts).
 */
function datesBetween(from: number, to: number, tz: string): number {
  const date = (t: number) => {
    const local = DateTime.fromMillis(t, { zone: tz });
    return Date.UTC(local.year, local.month - 1, local.day);
  };
  return Math.round((date(to) - date(from)) / DAY_MS);
}

/**
 * The number of local calendar days in `range` (docs/design.md §5 rule 3), rounded half-up to 4
 * decimals: each local day `[00:00, next 00:00)` in `tz` counts for the share of its real length
 * (23, 24 or 25 h) that lies in the range. A move-out at 14:00 on an ordinary day counts 14/24 of
 * it (0.5833), at 14:00 on the 25-hour autumn day 15/25 (0.6). Whole days between the first and the
 * last are counted by date, so only the two end days are located; the sum is an exact fraction,
 * rounded once.
 */
export function standingDays(range: TimeRange, tz: string): Dec {
  const rule = calendarRule('day', tz);
  const firstStart = rule.floor(range.start);
  const firstEnd = rule.next(firstStart);
  let num: bigint;
  let den: bigint;
  if (range.end <= firstEnd) {
    num = BigInt(range.end - range.start);
    den = BigInt(firstEnd - firstStart);
  } else {
    const lastStart = rule.floor(range.end);
    // an end on a day start adds 0 of that day
    const lastEnd = lastStart === range.end ? lastStart + 1 : rule.next(lastStart);
    const whole = datesBetween(firstEnd, lastStart, tz);
    const a = BigInt(firstEnd - firstStart);
    const b = BigInt(lastEnd - lastStart);
    // whole + (firstEnd - start) / a + (end - lastStart) / b
    num =
      BigInt(whole) * a * b +
      BigInt(firstEnd - range.start) * b +
      BigInt(range.end - lastStart) * a;
    den = a * b;
  }
  const scale = 10n ** BigInt(DAY_DECIMALS);
  return new Dec(divRoundHalfUp(num * scale, den).toString()).div(scale.toString());
}
