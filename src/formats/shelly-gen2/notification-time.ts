import { scaledInteger } from '../decimal-units.js';
import type { TsSource } from '../device-format.js';
import { EARLIEST_TRUSTED_TS } from '../local-time.js';

export type NotificationTime =
  | { readonly ok: true; readonly ts: number; readonly tsSource: TsSource }
  | { readonly ok: false; readonly detail: string };

/**
 * The reading's time from a notification's `params.ts`: Unix seconds (UTC) with a fraction, to epoch
 * ms by decimal arithmetic (1757060280.21 s is 1757060280210 ms exactly). A device whose clock is
 * not set yet sends its uptime (`"ts": 1.61`): like a missing `ts`, anything before 2000 takes the
 * receive time.
 */
export function notificationTime(ts: unknown, receivedAt: number): NotificationTime {
  if (ts === undefined || ts === null) return { ok: true, ts: receivedAt, tsSource: 'received' };
  const ms = typeof ts === 'number' ? scaledInteger(ts, 3) : undefined;
  if (ms === undefined) {
    return { ok: false, detail: 'params.ts: expected Unix seconds as a number' };
  }
  return ms < EARLIEST_TRUSTED_TS
    ? { ok: true, ts: receivedAt, tsSource: 'received' }
    : { ok: true, ts: ms, tsSource: 'meter' };
}
