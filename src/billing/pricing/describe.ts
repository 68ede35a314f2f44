import { DateTime } from 'luxon';
import type { TimeRange } from './bill.js';
import type { TierShare } from './tiers.js';

const atMidnight = (dt: DateTime): boolean =>
  dt.hour === 0 && dt.minute === 0 && dt.second === 0 && dt.millisecond === 0;

/**
 * A part of a period as people read it, in local time: whole days as inclusive dates
 * (`2026-10-01 – 2026-10-31`, one day alone `2026-10-01`), an edge inside a day with its time
 * (`2026-10-01 – 2026-10-17 14:00`).
 */
export function describeRange(range: TimeRange, tz: string): string {
  const start = DateTime.fromMillis(range.start, { zone: tz });
  const end = DateTime.fromMillis(range.end, { zone: tz });
  const from = atMidnight(start)
    ? start.toFormat('yyyy-MM-dd')
    : start.toFormat('yyyy-MM-dd HH:mm');
  // A period ends at the next midnight: the day before it is the last one billed.
  const to = atMidnight(end)
    ? DateTime.fromMillis(range.end - 1, { zone: tz }).toFormat('yyyy-MM-dd')
    : end.toFormat('yyyy-MM-dd HH:mm');
  return from === to ? from : `${from} – ${to}`;
}

/** `tier 2 (100–250 kWh)`, `tier 3 (over 250 kWh)`. */
export function describeTier(share: TierShare): string {
  return share.upper === null
    ? `tier ${share.tier} (over ${share.lower} kWh)`
    : `tier ${share.tier} (${share.lower}–${share.upper} kWh)`;
}

/**
 * A decimal without trailing fraction zeros, for prose: `"31.0000"` → `"31"`,
 * `"16.5830"` → `"16.583"`.
 */
export function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal;
}

/** `31 days`, `16.5833 days`, `1 day`. */
export function describeDays(days: string): string {
  const n = trimZeros(days);
  return n === '1' ? '1 day' : `${n} days`;
}
