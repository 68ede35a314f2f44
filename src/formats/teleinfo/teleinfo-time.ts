import type { FormatRejection, TsSource } from '../device-format.js';
import { EARLIEST_TRUSTED_TS, resolveLocalTime, type LocalFields } from '../local-time.js';
import { isObject, own, shown } from '../shared/json-payload.js';

/** When a frame was read, and whose clock says so; or why its time cannot be used. */
export type FrameTime =
  | { readonly ok: true; readonly ts: number; readonly tsSource: TsSource }
  | ({ readonly ok: false } & FormatRejection);

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
export function frameTime(frame: object, zone: string, receivedAt: number): FrameTime {
  const received: FrameTime = { ok: true, ts: receivedAt, tsSource: 'received' };
  const date = own(frame, 'DATE');
  if (date === undefined || date === null) return received;
  if (!isObject(date)) return invalidDate(`DATE must be an object {raw, value, timestamp}`);
  const parsed = parseDate(date);
  if ('problem' in parsed) return invalidDate(parsed.problem);
  if (parsed.fields === undefined) return received;
  const { fields, dst } = parsed;
  const res = resolveLocalTime(fields, zone, dst);
  const text = wallText(fields);
  switch (res.kind) {
    case 'instant':
      return res.ts < EARLIEST_TRUSTED_TS ? received : { ok: true, ts: res.ts, tsSource: 'meter' };
    case 'ambiguous':
      // No season flag: either instant of the repeated hour could be meant.
      return received;
    case 'gap':
      return {
        ok: false,
        reason: 'invalid_local_time',
        detail: `DATE ${text} falls in the hour skipped when clocks go forward in ${zone}`,
      };
    case 'invalid':
      return invalidDate(`DATE ${text} is not a calendar time in ${zone}`);
  }
}

type ParsedDate =
  | { readonly fields?: undefined }
  | { readonly fields: LocalFields; readonly dst: boolean | undefined }
  | { readonly problem: string };

function parseDate(date: Readonly<Record<string, unknown>>): ParsedDate {
  const timestamp = own(date, 'timestamp');
  if (timestamp !== undefined && timestamp !== null) {
    if (!isObject(timestamp)) {
      return { problem: `DATE.timestamp must be an object {date, dst}, got ${shown(timestamp)}` };
    }
    const text = own(timestamp, 'date');
    const m = typeof text === 'string' ? WALL_DATE.exec(text) : null;
    if (m === null) {
      return { problem: `DATE.timestamp.date must be YYYY-MM-DDThh:mm:ss, got ${shown(text)}` };
    }
    const flag = own(timestamp, 'dst');
    if (flag !== undefined && flag !== null && flag !== 'summer' && flag !== 'winter') {
      return { problem: `DATE.timestamp.dst must be "summer" or "winter", got ${shown(flag)}` };
    }
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as Six;
    const millisecond = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
    return {
      fields: { year, month, day, hour, minute, second, millisecond },
      dst: flag === 'summer' ? true : flag === 'winter' ? false : undefined,
    };
  }
  // No parsed timestamp: a bridge that forwards the horodate itself in `raw` or `value`.
  for (const key of ['raw', 'value']) {
    const value = own(date, key);
    if (value === undefined || value === null || value === '') continue;
    const m = typeof value === 'string' ? HORODATE.exec(value) : null;
    if (m === null) {
      return { problem: `DATE.${key} must be a horodate SAAMMJJhhmmss, got ${shown(value)}` };
    }
    const season = m[1]!;
    // Lower case: the meter says its own clock is not synchronised.
    if (season === 'e' || season === 'h') return {};
    const [yy, month, day, hour, minute, second] = m.slice(2, 8).map(Number) as Six;
    return {
      fields: { year: 2000 + yy, month, day, hour, minute, second },
      dst: season === 'E' ? true : season === 'H' ? false : undefined,
    };
  }
  return {};
}

type Six = [number, number, number, number, number, number];

const invalidDate = (detail: string): FrameTime => ({
  ok: false,
  reason: 'invalid_schema',
  detail,
});

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function wallText(f: LocalFields): string {
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
}
