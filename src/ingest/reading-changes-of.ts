import { LATE_AFTER_MS, type LateSpan } from '../billing/records/late-arrivals.js';
import type { NewReadingChange } from '../readings/changes/reading-changes.js';
import type { Reading } from '../readings/reading.js';

/**
 * What a stored batch changed that readings caches may hold (src/readings/cache): the late spans, and
 * meters that speak again after more than LATE_AFTER_MS of silence (or for the first time), since a
 * cache may hold "no reading after t" for them. Readings that simply extend a live meter are neither.
 */
export function readingChangesOf(
  stored: readonly Reading[], late: readonly LateSpan[], previousNewest: ReadonlyMap<string, number | null>, storedAt: number,
): NewReadingChange[] {
  const changes: NewReadingChange[] = late.map((s) => ({ meterId: s.meterId, from: s.from, to: s.to, kind: 'late' }));
  const spans = new Map<string, { from: number; to: number }>();
  for (const r of stored) {
    const previous = previousNewest.get(r.meterId);
    if (previous === undefined || (previous !== null && previous >= storedAt - LATE_AFTER_MS)) continue;
    const s = spans.get(r.meterId);
    if (s === undefined) spans.set(r.meterId, { from: previous ?? r.ts, to: r.ts });
    else s.to = Math.max(s.to, r.ts);
  }
  for (const [meterId, s] of spans) changes.push({ meterId, from: Math.min(s.from, s.to), to: s.to, kind: 'resumed' });
  return changes;
}
