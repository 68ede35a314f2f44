/**
 * The consumption views of the customer app, in the contract's time zone: `hour` shows the
 * hours of a local day, `day` the days of a local month, `month` the months of a local
 * year. DOM-free (unit tested).
 */
import { fromLocal, shiftDate, type LocalDate } from '../shared/tz.js';

/** A view is named after its bucket size, as the API's `groupBy`. */
export type View = 'hour' | 'day' | 'month';

/** The views in button order. */
export const VIEWS: readonly {
  readonly view: View;
  readonly label: string;
  readonly span: string;
}[] = [
  { view: 'hour', label: 'Hour', span: 'day' },
  { view: 'day', label: 'Day', span: 'month' },
  { view: 'month', label: 'Month', span: 'year' },
];

/** The UTC instants of the local span a view shows for `anchor` (end exclusive). */
export function viewSpan(view: View, anchor: LocalDate, tz: string): { from: number; to: number } {
  const { year, month, day } = anchor;
  if (view === 'hour')
    return { from: fromLocal(tz, year, month, day), to: fromLocal(tz, year, month, day + 1) };
  if (view === 'day')
    return { from: fromLocal(tz, year, month, 1), to: fromLocal(tz, year, month + 1, 1) };
  return { from: fromLocal(tz, year, 1, 1), to: fromLocal(tz, year + 1, 1, 1) };
}

/**
 * What to ask the API for: the span, cut at `now` (the API snaps `to` outward to the bucket holding
 * now, so the current hour, day or month is there and shown as partial).
 * Undefined for a future span.
 */
export function requestSpan(
  view: View,
  anchor: LocalDate,
  tz: string,
  now: number,
): { from: number; to: number } | undefined {
  const span = viewSpan(view, anchor, tz);
  if (span.from > now) return undefined;
  return { from: span.from, to: Math.min(span.to, now) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The anchor one span earlier (`dir` -1) or later (+1); a day past the end of a
 * shorter month is clamped.
 */
export function stepAnchor(view: View, anchor: LocalDate, dir: -1 | 1): LocalDate {
  if (view === 'hour') return shiftDate(anchor, { days: dir });
  const months = view === 'day' ? dir : 12 * dir;
  const first = shiftDate({ ...anchor, day: 1 }, { months });
  return { ...first, day: Math.min(anchor.day, daysInMonth(first.year, first.month)) };
}

/** Can the user go one span later? Not into the future. */
export function hasNext(view: View, anchor: LocalDate, tz: string, now: number): boolean {
  return viewSpan(view, stepAnchor(view, anchor, 1), tz).from <= now;
}

/** Can the user go one span earlier? Not to a span that ends before the contract started. */
export function hasPrevious(
  view: View,
  anchor: LocalDate,
  tz: string,
  contractStart: number,
): boolean {
  return viewSpan(view, stepAnchor(view, anchor, -1), tz).to > contractStart;
}

/** Title of the shown span: "Sunday 29 November 2026", "November 2026", "2026". */
export function spanTitle(view: View, anchor: LocalDate, locale?: string): string {
  const at = Date.UTC(anchor.year, anchor.month - 1, anchor.day, 12);
  const opts: Intl.DateTimeFormatOptions =
    view === 'hour'
      ? { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
      : view === 'day'
        ? { timeZone: 'UTC', month: 'long', year: 'numeric' }
        : { timeZone: 'UTC', year: 'numeric' };
  return new Intl.DateTimeFormat(locale, opts).format(at);
}

/** Axis label of a bucket starting at `start`: "18:00", "29", "Nov". */
export function bucketLabel(view: View, start: number, tz: string, locale?: string): string {
  const opts: Intl.DateTimeFormatOptions =
    view === 'hour'
      ? { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : view === 'day'
        ? { timeZone: tz, day: 'numeric' }
        : { timeZone: tz, month: 'short' };
  return new Intl.DateTimeFormat(locale, opts).format(start);
}

/**
 * Full name of a bucket for the data table: "29 Nov, 18:00 – 19:00", "Sun
 * 29 Nov", "November 2026".
 */
export function bucketName(
  view: View,
  start: number,
  end: number,
  tz: string,
  locale?: string,
): string {
  if (view === 'hour') {
    const time = new Intl.DateTimeFormat(locale, {
      timeZone: tz,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    return `${time.format(start)} – ${time.format(end)}`;
  }
  const opts: Intl.DateTimeFormatOptions =
    view === 'day'
      ? { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' }
      : { timeZone: tz, month: 'long', year: 'numeric' };
  return new Intl.DateTimeFormat(locale, opts).format(start);
}
