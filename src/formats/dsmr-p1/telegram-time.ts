import { EARLIEST_TRUSTED_TS, resolveLocalTime } from '../local-time.js';
import type { TsSource } from '../device-format.js';

export type TimeResult =
  | { readonly ok: true; readonly ts: number; readonly tsSource: TsSource }
  | {
      readonly ok: false;
      readonly reason: 'invalid_schema' | 'invalid_local_time';
      readonly detail: string;
    };

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
): TimeResult {
  if (text === undefined) return { ok: true, ts: receivedAt, tsSource: 'received' };
  const m = TST.exec(text);
  if (m === null) {
    return {
      ok: false,
      reason: 'invalid_schema',
      detail: `0-0:1.0.0: '${text.slice(0, 32)}' is not YYMMDDhhmmssX`,
    };
  }
  const [yy, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const year = yy >= 70 ? 1900 + yy : 2000 + yy;
  const dst = m[7] === undefined ? undefined : m[7] === 'S';
  const local = resolveLocalTime({ year, month, day, hour, minute, second }, zone, dst);
  switch (local.kind) {
    case 'instant':
      return local.ts < EARLIEST_TRUSTED_TS
        ? { ok: true, ts: receivedAt, tsSource: 'received' }
        : { ok: true, ts: local.ts, tsSource: 'meter' };
    case 'ambiguous':
      return { ok: true, ts: receivedAt, tsSource: 'received' };
    case 'gap':
      return {
        ok: false,
        reason: 'invalid_local_time',
        detail: `0-0:1.0.0: ${text} falls in the hour skipped when clocks go forward in ${zone}`,
      };
    case 'invalid':
      return {
        ok: false,
        reason: 'invalid_schema',
        detail: `0-0:1.0.0: ${text} is not a calendar time`,
      };
  }
}
