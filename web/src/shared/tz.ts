/**
 * Calendar arithmetic in an IANA time zone with the browser's own Intl data (no library): enough to
 * find the UTC instants of local midnights and month starts, which the consumption API then snaps
 * to. DOM-free, so the unit tests run it under Node.
 */

/** A local calendar date (month 1-12). */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Calendar fields of an instant in a zone. */
export interface LocalParts extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The local calendar fields of `ms` in `tz`. */
export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ms))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year ?? 0,
    month: out.month ?? 0,
    day: out.day ?? 0,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Offset of `tz` from UTC at instant `ms`, in ms (Paris in winter: +3,600,000). */
export function offsetAt(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = localParts(whole, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant of a local wall time in `tz`. Fields may overflow (month 13, day 0) as with Date.UTC.
 * Two passes: the first offset guess can be on the wrong side of a DST change; the second is not.
 */
export function fromLocal(
  tz: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, tz);
  return wall - offsetAt(first, tz);
}

/** The date `days`/`months`/`years` away from `d` (calendar arithmetic, no zone involved). */
export function shiftDate(
  d: LocalDate,
  by: { days?: number; months?: number; years?: number },
): LocalDate {
  const t = new Date(
    Date.UTC(d.year + (by.years ?? 0), d.month - 1 + (by.months ?? 0), d.day + (by.days ?? 0)),
  );
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Today's date in `tz`. */
export function todayIn(tz: string, now: number): LocalDate {
  const p = localParts(now, tz);
  return { year: p.year, month: p.month, day: p.day };
}

/** Whether `tz` is a zone this browser knows. */
export function isKnownZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** `<input type="datetime-local">` value of an instant in `tz` ("2026-11-29T21:00"). */
export function toLocalInput(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/**
 * The instant of a `datetime-local` value read as a wall time in `tz`; undefined when malformed.
 */
export function fromLocalInput(value: string, tz: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, hh, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  return fromLocal(tz, y, mo, d, hh, mi);
}
