import { LATE_AFTER_MS, type LateSpan } from '../readings/changes/late-readings.js';
import type { NewReadingChange } from '../readings/changes/reading-changes.js';
import type { Reading } from '../readings/reading.js';
import { spansByMeter } from '../readings/reading-spans.js';

/**
 * What a stored batch changed, for the change feed: the late spans (which readings caches may hold,
 * and settlement may have billed around), and meters that speak again after more than LATE_AFTER_MS
 * of silence (or for the first time), since a cache may hold "no reading after t" for them.
 * Readings that simply extend a live meter are neither.
 */
export function readingChangesOf(
  stored: readonly Reading[],
  late: readonly LateSpan[],
  previousNewest: ReadonlyMap<string, number | null>,
  storedAt: number,
): NewReadingChange[] {
  const changes: NewReadingChange[] = late.map((s) => ({
    meterId: s.meterId,
    from: s.from,
    to: s.to,
    kind: 'late',
  }));
  const silent = (r: Reading) => {
    const previous = previousNewest.get(r.meterId);
    return previous === null || (previous !== undefined && previous < storedAt - LATE_AFTER_MS);
  };
  for (const s of spansByMeter(stored, silent)) {
    changes.push({
      meterId: s.meterId,
      from: Math.min(s.from, previousNewest.get(s.meterId) ?? s.from),
      to: s.to,
      kind: 'resumed',
    });
  }
  return changes;
}
