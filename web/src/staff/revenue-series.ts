/**
 * The revenue chart's arithmetic: which instants to ask `GET /v1/billing/revenue` about, the lines
 * drawn from its answers, and the sentence saying why the figure is not exact yet. DOM-free, so the
 * unit tests run it under Node.
 */
import { formatMoney } from '../shared/format.js';
import { addMoney, compareMoney } from '../shared/money.js';
import type { CurrencyRevenue, MoneyRange } from '../shared/types.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The month's span on the chart (UTC): its first day, its end, and the end of its grace window. */
export interface MonthSpan {
  readonly start: number;
  readonly end: number;
  readonly graceEnd: number;
  /** Where the chart's time axis stops: a day after the grace window. */
  readonly axisEnd: number;
}

/** The span of `month` (YYYY-MM) in UTC, with a grace window of `graceHours`. */
export function monthSpan(month: string, graceHours: number): MonthSpan {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = Date.UTC(y, m - 1, 1);
  const end = Date.UTC(y, m, 1);
  const graceEnd = end + graceHours * HOUR_MS;
  return { start, end, graceEnd, axisEnd: graceEnd + DAY_MS };
}

/**
 * The instants the chart asks about: every UTC midnight from the month's first day to the end of
 * its axis that has passed, and `now` itself when it lies inside.
 */
export function chartInstants(span: MonthSpan, now: number): number[] {
  const out: number[] = [];
  for (let t = span.start; t <= Math.min(now, span.axisEnd); t += DAY_MS) out.push(t);
  if (now > span.start && now < span.axisEnd && out.at(-1) !== now) out.push(now);
  return out;
}

/** Money every figure of the month's known part adds up to: all but the estimate. */
export function knownMoney(r: CurrencyRevenue): string {
  return addMoney(r.settled, r.provisional, r.held, r.adjustmentsPending);
}

/** The month's total as a range: what is known plus the estimate of the open periods. */
export function totalRange(r: CurrencyRevenue): MoneyRange {
  const known = knownMoney(r);
  return {
    p10: addMoney(known, r.estimated.p10),
    p50: addMoney(known, r.estimated.p50),
    p90: addMoney(known, r.estimated.p90),
  };
}

const isZero = (s: string) => compareMoney(s, '0') === 0;

/**
 * One sentence on why the month's figure is not exact yet (or that it is): open periods are a
 * projection, ended ones wait out the grace window for late readings, held ones wait for staff,
 * adjustments wait for the next invoice.
 */
export function whyNotExact(
  r: CurrencyRevenue | undefined,
  month: string,
  graceHours: number,
): string {
  if (r === undefined) return `No bill of ${month} exists yet, so there is no revenue to show.`;
  const c = r.currency;
  const open = !(isZero(r.estimated.p10) && isZero(r.estimated.p50) && isZero(r.estimated.p90));
  const total = totalRange(r);
  if (open)
    return `This cannot be exact yet: some of the month's billing periods are still open, so ${formatMoney(r.estimated.p50, c)} of it is a projection of energy not used yet, and the total may end anywhere between ${formatMoney(total.p10, c)} and ${formatMoney(total.p90, c)}; only the ${formatMoney(r.settled, c)} already invoiced is final.`;
  const waiting = [
    isZero(r.provisional)
      ? undefined
      : `${formatMoney(r.provisional, c)} stays provisional until late readings have had their ${graceHours}-hour grace window and the bills are settled`,
    isZero(r.held)
      ? undefined
      : `${formatMoney(r.held, c)} is held until staff resolve why it could not be settled`,
    isZero(r.adjustmentsPending)
      ? undefined
      : `${formatMoney(r.adjustmentsPending, c)} of adjustments for late readings is still to be invoiced`,
  ].filter((x) => x !== undefined);
  if (waiting.length > 0)
    return `This cannot be exact yet: the month has ended, but ${waiting.join(', and ')}.`;
  return `Every bill of the month is settled: ${formatMoney(r.settled, c)} is final (late readings could still bring adjustments, on later invoices).`;
}
