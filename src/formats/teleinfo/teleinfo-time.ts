import type { LocalFields } from '../local-time.js';
import { isAbsent, isObject, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, type Parsed } from '../shared/parsed.js';
import {
  dateTimeNumbers,
  localTime,
  millisecondsOf,
  receivedTime,
  type ReadingTime,
} from '../shared/reading-time.js';

/**
 * teleinfo2mqtt turns the meter's horodate `H250307134349` into `{dst: "winter", date:
 * "2025-03-07T13:43:49.000Z"}` by passing the meter's wall-clock fields to `Date.UTC`: the `Z` is
 * not UTC, the digits are the meter's local time, and `dst` is its season letter.
 */
const WALL_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?$/;

/**
 * A raw Enedis horodate `SAAMMJJhhmmss`: S is `E` (summer) or `H` (winter), lower case when the
 * meter's clock runs in degraded mode (not synchronised), a space when the meter keeps no season.
 */
const HORODATE = /^([EeHh ])(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * The time of a frame: the standard-mode `DATE` label resolved in the meter's time zone, its season
 * flag choosing between the two instants of the repeated hour in autumn. History frames carry no
 * time, and a DATE from a clock the meter itself flags as degraded is not trusted: both take
 * `receivedAt`. A DATE inside the hour skipped in spring is `invalid_local_time`.
 */
export function frameTime(
  frame: JsonObject,
  zone: string,
  receivedAt: number,
): Parsed<ReadingTime> {
  const date = own(frame, 'DATE');
  if (isAbsent(date)) return receivedTime(receivedAt);
  if (!isObject(date)) return invalidDate(`DATE must be an object {raw, value, timestamp}`);
  const parsed = parseDate(date);
  if ('problem' in parsed) return invalidDate(parsed.problem);
  if (parsed.fields === undefined) return receivedTime(receivedAt);
  const { fields, dst } = parsed;
  return localTime(fields, { zone, receivedAt, dst, label: () => `DATE ${wallText(fields)}` });
}

type ParsedDate =
  | { readonly fields?: undefined }
  | { readonly fields: LocalFields; readonly dst: boolean | undefined }
  | { readonly problem: string };

function parseDate(date: JsonObject): ParsedDate {
  const timestamp = own(date, 'timestamp');
  if (!isAbsent(timestamp)) {
    if (!isObject(timestamp)) {
      return { problem: `DATE.timestamp must be an object {date, dst}, got ${shown(timestamp)}` };
    }
    const text = own(timestamp, 'date');
    const m = typeof text === 'string' ? WALL_DATE.exec(text) : null;
    if (m === null) {
      return { problem: `DATE.timestamp.date must be YYYY-MM-DDThh:mm:ss, got ${shown(text)}` };
    }
    const flag = own(timestamp, 'dst');
    if (!isAbsent(flag) && flag !== 'summer' && flag !== 'winter') {
      return { problem: `DATE.timestamp.dst must be "summer" or "winter", got ${shown(flag)}` };
    }
    const [year, month, day, hour, minute, second] = dateTimeNumbers(m);
    return {
      fields: { year, month, day, hour, minute, second, millisecond: millisecondsOf(m[7]) },
      dst: flag === 'summer' ? true : flag === 'winter' ? false : undefined,
    };
  }
  // No parsed timestamp: a bridge that forwards the horodate itself in `raw` or `value`.
  for (const key of ['raw', 'value']) {
    const value = own(date, key);
    if (isAbsent(value) || value === '') continue;
    const m = typeof value === 'string' ? HORODATE.exec(value) : null;
    if (m === null) {
      return { problem: `DATE.${key} must be a horodate SAAMMJJhhmmss, got ${shown(value)}` };
    }
    const season = m[1]!;
    // Lower case: the meter says its own clock is not synchronised.
    if (season === 'e' || season === 'h') return {};
    const [yy, month, day, hour, minute, second] = dateTimeNumbers(m, 2);
    return {
      fields: { year: 2000 + yy, month, day, hour, minute, second },
      dst: season === 'E' ? true : season === 'H' ? false : undefined,
    };
  }
  return {};
}

const invalidDate = (detail: string): Parsed<never> => fail('invalid_schema', detail);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function wallText(f: LocalFields): string {
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
}
