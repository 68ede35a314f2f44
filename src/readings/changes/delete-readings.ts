import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { ReadingRange } from '../reading.js';
import type { ReadingStore } from '../reading-store.js';
import { recordReadingChanges } from './reading-changes.js';

export interface DeleteReadingsDeps {
  readonly store: Pick<ReadingStore, 'deleteRanges'>;
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
}

/**
 * Delete readings (retention, erasure) and tell the readings caches through the change feed. The
 * feed row is written after the delete, so a cache that reloads in between reloads what is left,
 * then drops it again. It covers `span` (default: the ranges) and is written even when there is
 * nothing to delete: a retry after a delete whose feed row failed finds nothing left, and must
 * still write that row.
 */
export async function deleteReadings(
  deps: DeleteReadingsDeps,
  meterId: string,
  ranges: readonly ReadingRange[],
  span?: ReadingRange,
): Promise<number> {
  const removed = ranges.length === 0 ? 0 : await deps.store.deleteRanges(meterId, ranges);
  const all = span === undefined ? ranges : [span];
  if (all.length === 0) return removed;
  const from = Math.min(...all.map((r) => r.from));
  const to = Math.max(...all.map((r) => r.to));
  await recordReadingChanges(deps.db, [{ meterId, from, to, kind: 'deleted' }], deps.clock.now());
  return removed;
}
