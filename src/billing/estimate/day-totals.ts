import { calendarRule } from '../../consumption/calendar-edges.js';
import { QUARTER_MS } from '../../consumption/edge-rule.js';
import type { PricedInterval } from '../pricing/bill.js';
import { localClock } from '../pricing/local-clock.js';

/** One whole local day of a meter (or a contract): what the range's residuals are made of. */
export interface DayTotal {
  /** Local midnight the day starts at (epoch ms). */
  readonly start: number;
  readonly weekend: boolean;
  /** Quarter hours in the day: 92, 96 or 100 across clock changes. */
  readonly quarters: number;
  readonly importMwh: bigint;
  /** Null when the export register is unknown on any quarter hour of the day. */
  readonly exportMwh: bigint | null;
}

/**
 * The local days of `[from, to)` (both local midnights in `tz`) that `intervals` cover completely,
 * with their import and export: daily totals are all the range needs, so under `day` consent it
 * rests on nothing finer than the consent allows. A day with any quarter hour missing is left out
 * rather than counted short.
 */
export function dayTotals(
  intervals: readonly PricedInterval[],
  tz: string,
  from: number,
  to: number,
): DayTotal[] {
  const rule = calendarRule('day', tz);
  const clock = localClock(tz);
  const byStart = new Map<number, PricedInterval>();
  for (const i of intervals) if (i.start >= from && i.start < to) byStart.set(i.start, i);
  const out: DayTotal[] = [];
  for (let day = rule.floor(from) < from ? rule.next(rule.floor(from)) : from; day < to;) {
    const next = rule.next(day);
    if (next > to) break;
    let importMwh = 0n;
    let exportMwh: bigint | null = 0n;
    let complete = true;
    let quarters = 0;
    for (let q = day; q < next; q += QUARTER_MS) {
      quarters += 1;
      const i = byStart.get(q);
      if (i === undefined) {
        complete = false;
        break;
      }
      importMwh += i.importMwh;
      exportMwh = exportMwh === null || i.exportMwh === null ? null : exportMwh + i.exportMwh;
    }
    if (complete)
      out.push({ start: day, weekend: clock(day).weekday >= 5, quarters, importMwh, exportMwh });
    day = next;
  }
  return out;
}
