import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import {
  advanceCursor,
  readPastCursor,
  type FeedBatch,
} from '../../readings/changes/reading-change-cursors.js';

/** Settlement's name in `reading_change_cursors`. */
const READER = 'settlement';

/**
 * The late readings settlement has not processed yet: the `late` rows of the readings change feed
 * past its cursor, oldest first, at most `limit`. Ingest records them once, in the feed; settlement
 * reads them there, at its own pace, as the readings caches do at theirs.
 */
export async function pendingLateReadings(
  db: Kysely<LedgerDatabase>,
  limit: number,
): Promise<FeedBatch> {
  return readPastCursor(db, READER, ['late'], limit);
}

/**
 * Mark processed every late reading up to `upTo` (from `pendingLateReadings`), in the transaction
 * that records the adjustments they led to, so that both happen or neither: a run that cannot
 * finish leaves them pending, and the next one reads them again.
 */
export async function markLateReadingsProcessed(
  db: Kysely<LedgerDatabase>,
  upTo: number,
): Promise<void> {
  await advanceCursor(db, READER, upTo);
}
