import type { Reading } from '../readings/reading.js';

/**
 * A meter's readings ascending by `ts`, one per `ts`. Input may arrive out of order (late or
 * backlogged readings) or with duplicates of one instant (redelivery): for a duplicate the most
 * recently received wins, as in the store, where a later write to the same key replaces the
 * earlier. Already-sorted input is answered as it is (O(n), no copy).
 */
export function sortedReadings(readings: readonly Reading[]): readonly Reading[] {
  let sorted = true;
  for (let i = 1; i < readings.length && sorted; i++) {
    if ((readings[i]?.ts ?? 0) <= (readings[i - 1]?.ts ?? 0)) sorted = false;
  }
  if (sorted) return readings;
  const byTs = [...readings].sort((a, b) => a.ts - b.ts || a.receivedAt - b.receivedAt);
  const out: Reading[] = [];
  for (const r of byTs) {
    if (out.at(-1)?.ts === r.ts) out[out.length - 1] = r;
    else out.push(r);
  }
  return out;
}
