import { parseRfc3339 } from '../../shared/time.js';
import type { FormatRejection, TsSource } from '../device-format.js';
import { EARLIEST_TRUSTED_TS, resolveLocalTime } from '../local-time.js';
import { shown } from '../shared/json-payload.js';

/** When a state was seen, and whose clock says so; or why its time cannot be used. */
export type SeenTime =
  | { readonly ok: true; readonly ts: number; readonly tsSource: TsSource }
  | ({ readonly ok: false } & FormatRejection);

/** An ISO 8601 local time without an offset (`2024-01-01T19:10:38`, optional fraction). */
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

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
export function seenTime(lastSeen: unknown, zone: string, receivedAt: number): SeenTime {
  const received: SeenTime = { ok: true, ts: receivedAt, tsSource: 'received' };
  const trusted = (ts: number): SeenTime =>
    ts < EARLIEST_TRUSTED_TS ? received : { ok: true, ts, tsSource: 'meter' };
  if (lastSeen === undefined || lastSeen === null) return received;
  if (typeof lastSeen === 'number') {
    if (!Number.isInteger(lastSeen) || lastSeen < 0 || lastSeen > MAX_EPOCH_MS) {
      return invalid(
        `last_seen in epoch milliseconds must be a non-negative integer, got ${shown(lastSeen)}`,
      );
    }
    return trusted(lastSeen);
  }
  if (typeof lastSeen !== 'string') {
    return invalid(
      `last_seen must be an ISO 8601 time or epoch milliseconds, got ${shown(lastSeen)}`,
    );
  }
  const instant = parseRfc3339(lastSeen);
  if (instant !== undefined) return trusted(instant);
  const m = LOCAL_ISO.exec(lastSeen);
  if (m === null) {
    return invalid(
      `last_seen must be an ISO 8601 time or epoch milliseconds, got ${shown(lastSeen)}`,
    );
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millisecond = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const res = resolveLocalTime({ year, month, day, hour, minute, second, millisecond }, zone);
  switch (res.kind) {
    case 'instant':
      return trusted(res.ts);
    case 'ambiguous':
      return received;
    case 'gap':
      return {
        ok: false,
        reason: 'invalid_local_time',
        detail: `last_seen ${lastSeen} falls in the hour skipped when clocks go forward in ${zone}`,
      };
    case 'invalid':
      return invalid(`last_seen ${shown(lastSeen)} is not a calendar time`);
  }
}

const invalid = (detail: string): SeenTime => ({ ok: false, reason: 'invalid_schema', detail });
