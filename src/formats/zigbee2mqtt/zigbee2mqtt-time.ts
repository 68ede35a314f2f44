import { parseRfc3339 } from '../../shared/time.js';
import { isAbsent, shown } from '../shared/json-payload.js';
import { fail, type Parsed } from '../shared/parsed.js';
import {
  instantTime,
  isoReadingTime,
  receivedTime,
  type ReadingTime,
} from '../shared/reading-time.js';

/** The largest instant a JavaScript date holds (epoch ms), as the wire contract bounds `ts`. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * The reading's time from zigbee2mqtt's `last_seen` (the `advanced.last_seen` setting): `ISO_8601`
 * (UTC, `Z`) and `ISO_8601_local` (with the bridge's offset) are instants, `epoch` is milliseconds.
 * A local time without an offset (what a bridge or a relay in between may write) resolves in the
 * meter's time zone; inside the repeated autumn hour nothing tells which instant was meant, so it
 * takes `receivedAt`, and inside the skipped spring hour it is `invalid_local_time`. No
 * `last_seen` (the default `disable`), or one before 2000 (a clock never set), takes `receivedAt`.
 */
export function seenTime(lastSeen: unknown, zone: string, receivedAt: number): Parsed<ReadingTime> {
  if (isAbsent(lastSeen)) return receivedTime(receivedAt);
  if (typeof lastSeen === 'number') {
    if (!Number.isInteger(lastSeen) || lastSeen < 0 || lastSeen > MAX_EPOCH_MS) {
      return invalid(
        `last_seen in epoch milliseconds must be a non-negative integer, got ${shown(lastSeen)}`,
      );
    }
    return instantTime(lastSeen, receivedAt);
  }
  if (typeof lastSeen === 'string') {
    const read = isoReadingTime(lastSeen, {
      zone,
      receivedAt,
      label: () => `last_seen ${shown(lastSeen)}`,
    });
    if (read !== undefined) return read;
    // RFC 3339 also allows a lower-case t and z.
    const instant = parseRfc3339(lastSeen);
    if (instant !== undefined) return instantTime(instant, receivedAt);
  }
  return invalid(
    `last_seen must be an ISO 8601 time or epoch milliseconds, got ${shown(lastSeen)}`,
  );
}

const invalid = (detail: string): Parsed<never> => fail('invalid_schema', detail);
