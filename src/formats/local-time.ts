import { DateTime, IANAZone } from 'luxon';

/** Devices whose clock was never set report times from 1970; anything before 2000 is not trusted. */
export const EARLIEST_TRUSTED_TS = Date.UTC(2000, 0, 1);

export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond?: number;
}

/**
 * A wall-clock time without an offset, read in `zone`:
 * - `instant`: exactly one instant has that local time;
 * - `ambiguous`: the repeated hour when clocks go back (two instants; without an offset or a
 *   summer/winter flag nobody can tell which);
 * - `gap`: the hour skipped when clocks go forward (no instant has it);
 * - `invalid`: not a calendar time (Feb 30, 25:00).
 * `dst` picks one of an ambiguous pair: true for the first (summer time), false for the second.
 */
export type LocalResolution =
  | { readonly kind: 'instant'; readonly ts: number }
  | { readonly kind: 'ambiguous' | 'gap' | 'invalid' };

export function resolveLocalTime(
  fields: LocalFields,
  zone: string,
  dst?: boolean,
): LocalResolution {
  const offsets = zoneOffsets(zone);
  const found =
    offsets === undefined || !isPlainCalendarTime(fields) ? undefined : instantsOf(fields, offsets);
  // Anything unusual (an unknown zone, 24:00, 30 February, a year far away) goes the slow way,
  // whose answers the fast one reproduces for every plain time.
  return found === undefined ? resolveWithLuxon(fields, zone, dst) : pick(found, dst);
}

function pick(sorted: readonly number[], dst: boolean | undefined): LocalResolution {
  if (sorted.length === 0) return { kind: 'gap' };
  if (sorted.length === 1) return { kind: 'instant', ts: sorted[0]! };
  if (dst === undefined) return { kind: 'ambiguous' };
  return { kind: 'instant', ts: dst ? sorted[0]! : sorted[sorted.length - 1]! };
}

const HOUR_MS = 3_600_000;
const PROBE_MS = 3 * HOUR_MS;

/**
 * Every instant whose wall clock in the zone reads `fields`, ascending: the wall time less each
 * offset in force within three hours of it, when that offset is indeed the one in force then.
 */
function instantsOf(f: LocalFields, offsets: ZoneOffsets): number[] {
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.millisecond ?? 0);
  const guess = wall - offsets.at(wall) * 60_000;
  // Nearly always one offset holds all around: the probes below would all find the same instant.
  const offset = offsets.at(guess);
  if (offsets.at(guess - PROBE_MS) === offset && offsets.at(guess + PROBE_MS) === offset) {
    const ts = wall - offset * 60_000;
    return offsets.at(ts) === offset ? [ts] : [];
  }
  const found: number[] = [];
  for (const probe of [guess - PROBE_MS, guess, guess + PROBE_MS]) {
    const offset = offsets.at(probe);
    const ts = wall - offset * 60_000;
    if (offsets.at(ts) === offset && !found.includes(ts)) found.push(ts);
  }
  return found.sort((a, b) => a - b);
}

/** Fields that name a time of the Gregorian calendar plainly: no 24:00, no 30 February. */
function isPlainCalendarTime(f: LocalFields): boolean {
  const ms = f.millisecond ?? 0;
  const whole =
    Number.isInteger(f.year) &&
    Number.isInteger(f.month) &&
    Number.isInteger(f.day) &&
    Number.isInteger(f.hour) &&
    Number.isInteger(f.minute) &&
    Number.isInteger(f.second) &&
    Number.isInteger(ms);
  if (!whole || f.year < 1900 || f.year > 9999 || f.month < 1 || f.month > 12) return false;
  const days = daysInMonth(f.year, f.month);
  return (
    f.day >= 1 &&
    f.day <= days &&
    f.hour >= 0 &&
    f.hour <= 23 &&
    f.minute >= 0 &&
    f.minute <= 59 &&
    f.second >= 0 &&
    f.second <= 59 &&
    ms >= 0 &&
    ms <= 999
  );
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in a month of the Gregorian calendar (`month` 1 to 12). */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

/**
 * The offsets of one IANA zone (minutes east of UTC), remembered by UTC hour. Asking luxon costs
 * microseconds (an Intl formatting), and ingest resolves a local time per device message; offsets
 * change a few times a year, never twice in an hour, so an hour whose two ends agree has that
 * offset throughout, and only an hour with a change inside is asked about each instant. A memo of
 * tzdata, not state: it holds at most a year and a half of hours per zone, then starts again.
 */
class ZoneOffsets {
  private readonly hours = new Map<number, number | null>();
  constructor(private readonly zone: IANAZone) {}

  at(ts: number): number {
    const hour = Math.floor(ts / HOUR_MS);
    let offset = this.hours.get(hour);
    if (offset === undefined) {
      if (this.hours.size >= 13_000) this.hours.clear();
      const start = this.zone.offset(hour * HOUR_MS);
      offset = start === this.zone.offset(hour * HOUR_MS + HOUR_MS - 1) ? start : null;
      this.hours.set(hour, offset);
    }
    return offset ?? this.zone.offset(ts);
  }
}

const ZONES = new Map<string, ZoneOffsets | undefined>();

/** The offsets of an IANA zone, or undefined when it is not one. */
function zoneOffsets(zone: string): ZoneOffsets | undefined {
  if (ZONES.has(zone)) return ZONES.get(zone);
  // Zone names come from contracts; the bound only keeps a runaway caller from growing it.
  if (ZONES.size >= 1_000) ZONES.clear();
  const iana = IANAZone.create(zone);
  const offsets = iana.isValid ? new ZoneOffsets(iana) : undefined;
  ZONES.set(zone, offsets);
  return offsets;
}

/** Whether `zone` is an IANA time zone name this runtime knows. */
export const isKnownZone = (zone: string): boolean => zoneOffsets(zone) !== undefined;

/** The same resolution through luxon alone, for what the fast path does not take. */
function resolveWithLuxon(fields: LocalFields, zone: string, dst?: boolean): LocalResolution {
  const local = DateTime.fromObject({ ...fields }, { zone });
  if (!local.isValid) {
    // luxon marks a time inside a spring-forward gap as valid but shifted; an invalid one here is a
    // bad calendar value.
    return { kind: 'invalid' };
  }
  const wall = (d: DateTime) =>
    d.year === fields.year &&
    d.month === fields.month &&
    d.day === fields.day &&
    d.hour === fields.hour &&
    d.minute === fields.minute &&
    d.second === fields.second;
  // Every instant with this wall time: try the offsets in force an hour before and after.
  const candidates = new Set<number>();
  for (const probe of [local.minus({ hours: 3 }), local, local.plus({ hours: 3 })]) {
    const ts = DateTime.fromObject({ ...fields }, { zone: probe.zone })
      .setZone(`UTC${offsetText(probe.offset)}`, { keepLocalTime: true })
      .toMillis();
    const back = DateTime.fromMillis(ts, { zone });
    if (wall(back)) candidates.add(ts);
  }
  return pick(
    [...candidates].sort((a, b) => a - b),
    dst,
  );
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}
