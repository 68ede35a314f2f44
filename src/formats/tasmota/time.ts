import { DateTime } from 'luxon';
import { parseRfc3339 } from '../../shared/time.js';
import type { TsSource } from '../device-format.js';
import { EARLIEST_TRUSTED_TS, resolveLocalTime } from '../local-time.js';
import { isAbsent, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';

export interface ReadingTime {
  readonly ts: number;
  readonly tsSource: TsSource;
}

// Tasmota's GetDateAndTime: local time, `.mmm` in some messages, the UTC offset under SetOption52.
const TASMOTA_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;

// Epoch seconds such that the instant stays within what a JavaScript Date can hold.
const MAX_EPOCH_S = 8.64e12;

/**
 * When a message was measured: `Epoch` (UTC seconds, sent by some builds) first, then `Time`
 * (local, with an offset under SetOption52). A clock never set (Tasmota says 1970), a local time in
 * the repeated hour of a DST change, or no time at all: the time of receipt. A local time inside the
 * skipped hour: invalid_local_time.
 */
export function readingTime(
  body: JsonObject,
  zone: string,
  receivedAt: number,
): Parsed<ReadingTime> {
  const received = ok<ReadingTime>({ ts: receivedAt, tsSource: 'received' });
  const trusted = (ts: number) =>
    ts < EARLIEST_TRUSTED_TS ? received : ok<ReadingTime>({ ts, tsSource: 'meter' });

  const epoch = own(body, 'Epoch');
  if (!isAbsent(epoch)) {
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH_S) {
      return fail('invalid_schema', `Epoch must be whole seconds since 1970, got ${shown(epoch)}`);
    }
    return trusted(epoch * 1000);
  }

  const time = own(body, 'Time');
  if (isAbsent(time)) return received;
  const m = typeof time === 'string' ? TASMOTA_TIME.exec(time) : null;
  if (m === null) {
    return fail(
      'invalid_schema',
      `Time must be Tasmota's yyyy-mm-ddThh:mm:ss (with an offset under SetOption52), got ${shown(time)}`,
    );
  }
  if (m[8] !== undefined) {
    const ts = parseRfc3339(time as string);
    return ts === undefined
      ? fail('invalid_schema', `Time ${shown(time)} is not a calendar time`)
      : trusted(ts);
  }

  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // An unsynced clock counts from 1970: no instant to resolve, and no DST rule of 1970 to apply.
  if (year < 2000) return received;
  if (!DateTime.local().setZone(zone).isValid) {
    return fail('invalid_schema', `the meter's time zone ${shown(zone)} is not an IANA zone`);
  }
  const millisecond = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const local = resolveLocalTime({ year, month, day, hour, minute, second, millisecond }, zone);
  switch (local.kind) {
    case 'instant':
      return trusted(local.ts);
    case 'ambiguous':
      // The repeated hour when clocks go back: without an offset nobody can tell which one.
      return received;
    case 'gap':
      return fail(
        'invalid_local_time',
        `Time ${shown(time)} does not exist in ${zone}: clocks go forward over it`,
      );
    case 'invalid':
      return fail('invalid_schema', `Time ${shown(time)} is not a calendar time`);
  }
}
