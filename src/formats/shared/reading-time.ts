import { DateTime } from 'luxon';
import { parseRfc3339 } from '../../shared/time.js';
import type { TsSource } from '../device-format.js';
import {
  EARLIEST_TRUSTED_TS,
  isKnownZone,
  resolveLocalTime,
  type LocalFields,
} from '../local-time.js';
import { fail, ok, type Parsed } from './parsed.js';

/**
 * When a reading was taken, and whose clock says so. Every format applies the same rules:
 * - a time with an offset, `Z` or an epoch is an instant: the meter's (`instantTime`);
 * - a local time without an offset is read in the meter's time zone (`localTime`): inside the hour
 *   repeated when clocks go back, without an offset or a summer/winter flag, nobody can tell which
 *   of two instants it is, so the reading takes the time of receipt; inside the hour skipped when
 *   clocks go forward it is `invalid_local_time`;
 * - no time, or one before 2000 (a clock never set): the time of receipt.
 */
export interface ReadingTime {
  readonly ts: number;
  readonly tsSource: TsSource;
}

/** The time of receipt: for a message that carries no time, or none to trust. */
export const receivedTime = (receivedAt: number): Parsed<ReadingTime> =>
  ok({ ts: receivedAt, tsSource: 'received' });

/** An instant of the device's clock (epoch ms): the meter's time, unless it is before 2000. */
export const instantTime = (ts: number, receivedAt: number): Parsed<ReadingTime> =>
  ts < EARLIEST_TRUSTED_TS ? receivedTime(receivedAt) : ok({ ts, tsSource: 'meter' });

/** Where a local time is read, and how a rejection names it. */
export interface LocalTimeContext {
  /** The meter's IANA time zone. */
  readonly zone: string;
  readonly receivedAt: number;
  /** The device's summer (true) or winter (false) flag, when it sends one. */
  readonly dst?: boolean | undefined;
  /**
   * The field and its text, as a rejection detail starts: `Time "2026-03-29T02:30:00"`. Built only
   * for a rejection: nearly every message resolves, and ingest reads one per message.
   */
  readonly label: () => string;
}

/**
 * A wall-clock time without an offset, read in the meter's time zone. A year before 2000 is a clock
 * never set (devices count from 1970): it is not resolved at all, since neither an instant nor the
 * DST rules of that year mean anything for it, and the reading takes the time of receipt.
 */
export function localTime(fields: LocalFields, where: LocalTimeContext): Parsed<ReadingTime> {
  const { zone, receivedAt, label } = where;
  if (fields.year < 2000) return receivedTime(receivedAt);
  // The zone is checked per message: known IANA zones are remembered, anything else asks luxon.
  if (!isKnownZone(zone) && !DateTime.fromMillis(0, { zone }).isValid) {
    return fail(
      'invalid_schema',
      `the meter's time zone ${JSON.stringify(zone)} is not an IANA zone`,
    );
  }
  const local = resolveLocalTime(fields, zone, where.dst);
  switch (local.kind) {
    case 'instant':
      return instantTime(local.ts, receivedAt);
    case 'ambiguous':
      return receivedTime(receivedAt);
    case 'gap':
      return fail(
        'invalid_local_time',
        `${label()} falls in the hour skipped when clocks go forward in ${zone}`,
      );
    case 'invalid':
      return fail('invalid_schema', `${label()} is not a calendar time`);
  }
}

// ISO 8601 as devices write it: `T`, an optional fraction, an optional `Z` or offset.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The reading time of an ISO 8601 date-time (`2026-11-29T18:15:00`, `.123`, `Z` or `+01:00`): with
 * an offset an instant, without one a local time; undefined when `text` is not of that shape (the
 * format says what it expected).
 */
export function isoReadingTime(
  text: string,
  where: LocalTimeContext,
): Parsed<ReadingTime> | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return undefined;
  if (m[8] !== undefined) {
    const ts = parseRfc3339(text);
    return ts === undefined
      ? fail('invalid_schema', `${where.label()} is not a calendar time`)
      : instantTime(ts, where.receivedAt);
  }
  const [year, month, day, hour, minute, second] = dateTimeNumbers(m);
  const millisecond = millisecondsOf(m[7]);
  return localTime({ year, month, day, hour, minute, second, millisecond }, where);
}

/**
 * Six capture groups of a date-time pattern as numbers, from group `first`: year (or its last two
 * digits), month, day, hour, minute, second.
 */
export function dateTimeNumbers(
  m: RegExpExecArray,
  first = 1,
): [number, number, number, number, number, number] {
  const n = (i: number) => Number(m[first + i]);
  return [n(0), n(1), n(2), n(3), n(4), n(5)];
}

/** The digits after a seconds' decimal point as whole milliseconds (further digits are cut). */
export const millisecondsOf = (fraction: string | undefined): number =>
  fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
