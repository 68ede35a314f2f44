import { isAbsent, own, shown, type JsonObject } from '../shared/json-payload.js';
import { fail, type Parsed } from '../shared/parsed.js';
import {
  instantTime,
  isoReadingTime,
  receivedTime,
  type ReadingTime,
} from '../shared/reading-time.js';

// Epoch seconds such that the instant stays within what a JavaScript Date can hold.
const MAX_EPOCH_S = 8.64e12;

/**
 * When a message was measured: `Epoch` (UTC seconds, sent by some builds) first, then `Time`
 * (Tasmota's GetDateAndTime: local time, `.mmm` in some messages, the UTC offset under
 * SetOption52), by the reading-time rules every format follows. Tasmota counts from 1970
 * while its clock is not set: such a time takes the time of receipt.
 */
export function readingTime(
  body: JsonObject,
  zone: string,
  receivedAt: number,
): Parsed<ReadingTime> {
  const epoch = own(body, 'Epoch');
  if (!isAbsent(epoch)) {
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH_S) {
      return fail('invalid_schema', `Epoch must be whole seconds since 1970, got ${shown(epoch)}`);
    }
    return instantTime(epoch * 1000, receivedAt);
  }

  const time = own(body, 'Time');
  if (isAbsent(time)) return receivedTime(receivedAt);
  const read =
    typeof time === 'string'
      ? isoReadingTime(time, { zone, receivedAt, label: () => `Time ${shown(time)}` })
      : undefined;
  return (
    read ??
    fail(
      'invalid_schema',
      `Time must be Tasmota's yyyy-mm-ddThh:mm:ss (with an offset under SetOption52), got ${shown(time)}`,
    )
  );
}
