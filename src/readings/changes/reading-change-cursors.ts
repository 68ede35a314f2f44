import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../../ledger/dialect-of.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { changeOfRow, lastReadingChangeId, type ReadingChange } from './reading-changes.js';

/**
 * What a durable reader took from the feed, and how far its cursor moves once it has handled it.
 */
export interface FeedBatch {
  /** The rows of the kinds asked for past the cursor, oldest first. */
  readonly changes: ReadingChange[];
  /**
   * The id the cursor may move to: the newest id when `changes` is all there was, else the last
   * one.
   */
  readonly upTo: number;
}

type Ledger = Kysely<LedgerDatabase>;

/**
 * Run `read` in a transaction where no row can still appear below the newest feed id. On PostgreSQL
 * an identity value is taken at insert and visible at commit, so a row may turn up below ids
 * already read, and a cursor moved past it would skip it for good: a SHARE lock on the feed waits
 * for the inserts in flight and holds new ones back for the few statements of `read`. SQLite has
 * one writer at a time, so its ids become visible in order anyway.
 */
async function withFinalIds<T>(db: Ledger, read: (tx: Ledger) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    if (dialectOf(tx) === 'postgres')
      await sql`lock table reading_changes in share mode`.execute(tx);
    return read(tx);
  });
}

/**
 * The newest feed id (0 when empty), every row up to it committed: where a reader that reads the
 * whole feed moves its cursor after a complete pass that began now.
 */
export async function finalFeedHead(db: Ledger): Promise<number> {
  return withFinalIds(db, lastReadingChangeId);
}

/**
 * The feed rows of `kinds` past `reader`'s cursor, oldest first, at most `limit` (the cursor of a
 * reader without a row is 0). Nothing is moved: the reader calls `advanceCursor` with `upTo` once
 * it has handled them, and a reader that fails in between reads them again.
 */
export async function readPastCursor(
  db: Ledger,
  reader: string,
  kinds: readonly ReadingChange['kind'][],
  limit: number,
): Promise<FeedBatch> {
  return withFinalIds(db, async (tx) => {
    const head = await lastReadingChangeId(tx);
    const cursor = await tx
      .selectFrom('reading_change_cursors')
      .select('last_id')
      .where('reader', '=', reader)
      .executeTakeFirst();
    const rows = await tx
      .selectFrom('reading_changes')
      .selectAll()
      .where('id', '>', cursor?.last_id ?? 0)
      .where('id', '<=', head)
      .where('kind', 'in', [...kinds])
      .orderBy('id')
      .limit(limit)
      .execute();
    const changes = rows.map(changeOfRow);
    return { changes, upTo: changes.length < limit ? head : (changes.at(-1)?.id ?? head) };
  });
}

/**
 * Move `reader`'s cursor to `upTo`, never back: two runs that overlap may finish in any order, and
 * each has handled everything up to its own `upTo`. The rows it passes may be pruned once every
 * other reader has passed them too (`pruneReadingChanges`).
 */
export async function advanceCursor(db: Ledger, reader: string, upTo: number): Promise<void> {
  await db
    .insertInto('reading_change_cursors')
    .values({ reader, last_id: upTo })
    .onConflict((oc) =>
      oc
        .column('reader')
        .doUpdateSet({ last_id: upTo })
        .where('reading_change_cursors.last_id', '<', upTo),
    )
    .execute();
}
