import { fail, type Parsed } from '../shared/parsed.js';
import {
  dateTimeNumbers,
  localTime,
  receivedTime,
  type ReadingTime,
} from '../shared/reading-time.js';

const TST = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([SW])?$/;

/**
 * The reading's time from `0-0:1.0.0(YYMMDDhhmmssX)`: local time in the contract's zone, X = S
 * (summer time) or W (winter time) telling the two passes of the repeated autumn hour apart.
 * - no clock line (DSMR 2.2 and 3): the receive time;
 * - years 70 to 99 are 1970 to 1999 (an M-Bus slot without a device reads `700101…`), and anything
 *   before 2000 is a clock never set: the receive time;
 * - the repeated hour without S/W: the receive time; the skipped spring hour: `invalid_local_time`.
 */
export function telegramTime(
  text: string | undefined,
  zone: string,
  receivedAt: number,
): Parsed<ReadingTime> {
  if (text === undefined) return receivedTime(receivedAt);
  const m = TST.exec(text);
  if (m === null) {
    return fail('invalid_schema', `0-0:1.0.0: '${text.slice(0, 32)}' is not YYMMDDhhmmssX`);
  }
  const [yy, month, day, hour, minute, second] = dateTimeNumbers(m);
  const year = yy >= 70 ? 1900 + yy : 2000 + yy;
  const dst = m[7] === undefined ? undefined : m[7] === 'S';
  return localTime(
    { year, month, day, hour, minute, second },
    { zone, receivedAt, dst, label: () => `0-0:1.0.0: ${text}` },
  );
}
