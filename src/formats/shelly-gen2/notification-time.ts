import { scaledInteger } from '../decimal-units.js';
import { isAbsent } from '../shared/json-payload.js';
import { fail, type Parsed } from '../shared/parsed.js';
import { instantTime, receivedTime, type ReadingTime } from '../shared/reading-time.js';

/**
 * The reading's time from a notification's `params.ts`: Unix seconds (UTC) with a fraction, to epoch
 * ms by decimal arithmetic (1757060280.21 s is 1757060280210 ms exactly). A device whose clock is
 * not set yet sends its uptime (`"ts": 1.61`): like a missing `ts`, anything before 2000 takes the
 * receive time.
 */
export function notificationTime(ts: unknown, receivedAt: number): Parsed<ReadingTime> {
  if (isAbsent(ts)) return receivedTime(receivedAt);
  const ms = typeof ts === 'number' ? scaledInteger(ts, 3) : undefined;
  if (ms === undefined)
    return fail('invalid_schema', 'params.ts: expected Unix seconds as a number');
  return instantTime(ms, receivedAt);
}
