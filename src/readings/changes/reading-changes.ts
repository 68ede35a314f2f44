import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { ReadingRange } from '../reading.js';

/** The feed reader that keeps day summaries (see `src/readings/days/`). */
export const DAY_SUMMARIES_READER = 'day-summaries';

/** One entry of the readings change feed: the readings of `meterId` in [from, to] changed. */
export interface ReadingChange extends ReadingRange {
  readonly id: number;
  readonly meterId: string;
  readonly kind: 'late' | 'deleted' | 'resumed';
}

export type NewReadingChange = Omit<ReadingChange, 'id'>;

/** Append changes to the feed (chunks of 500 rows per statement); answers them with their ids. */
export async function recordReadingChanges(
  db: Kysely<LedgerDatabase>,
  changes: readonly NewReadingChange[],
  at: number,
): Promise<ReadingChange[]> {
  const out: ReadingChange[] = [];
  for (let i = 0; i < changes.length; i += 500) {
    const part = changes.slice(i, i + 500);
    const rows = part.map((c) => ({
      meter_id: c.meterId,
      from_ms: c.from,
      to_ms: c.to,
      kind: c.kind,
      recorded_at: toIso(at),
    }));
    // RETURNING promises no order on either dialect: each row says what it is.
    const recorded = await db
      .insertInto('reading_changes')
      .values(rows)
      .returning(['id', 'meter_id', 'from_ms', 'to_ms', 'kind'])
      .execute();
    out.push(...recorded.map(changeOfRow));
  }
  return out;
}

/** A feed row as a change; PostgreSQL answers bigint bounds as strings. */
export const changeOfRow = (r: {
  id: number;
  meter_id: string;
  from_ms: number | string;
  to_ms: number | string;
  kind: ReadingChange['kind'];
}): ReadingChange => ({
  id: Number(r.id),
  meterId: r.meter_id,
  from: Number(r.from_ms),
  to: Number(r.to_ms),
  kind: r.kind,
});

/** Changes with an id above `afterId`, in id order, at most `limit`. */
export async function readingChangesAfter(
  db: Kysely<LedgerDatabase>,
  afterId: number,
  limit: number,
): Promise<ReadingChange[]> {
  const rows = await db
    .selectFrom('reading_changes')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(changeOfRow);
}

/** The highest id in the feed, 0 when empty: where a new follower starts. */
export async function lastReadingChangeId(db: Kysely<LedgerDatabase>): Promise<number> {
  const row = await db
    .selectFrom('reading_changes')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/**
 * The kinds of row that readers with a cursor read (settlement and retention read late readings):
 * rows of other kinds only feed the caches, and age alone decides when they go.
 */
export const DURABLY_READ_KINDS: readonly ReadingChange['kind'][] = ['late'];

/**
 * Delete the feed rows recorded before `before` that every durable reader has passed: none of the
 * cursors in `reading_change_cursors` (settlement, retention, day summaries; the last reads
 * deletions too) is below them, so a reader that has
 * not run for a while still finds what it has not read. The API cache followers keep no cursor: one
 * that fell behind rows this old could not read the feed for that long, and has cleared its cache.
 */
export async function pruneReadingChanges(
  db: Kysely<LedgerDatabase>,
  before: number,
): Promise<number> {
  const r = await db
    .deleteFrom('reading_changes')
    .where('recorded_at', '<', toIso(before))
    .where(({ and, or, eb, not, exists, selectFrom }) =>
      or([
        and([
          eb('kind', 'not in', [...DURABLY_READ_KINDS]),
          // Day summaries also read deletions: keep those it has not passed.
          not(
            exists(
              selectFrom('reading_change_cursors')
                .select('reader')
                .where('reader', '=', DAY_SUMMARIES_READER)
                .whereRef('reading_change_cursors.last_id', '<', 'reading_changes.id')
                .where('reading_changes.kind', '=', 'deleted'),
            ),
          ),
        ]),
        not(
          exists(
            selectFrom('reading_change_cursors')
              .select('reader')
              .whereRef('reading_change_cursors.last_id', '<', 'reading_changes.id'),
          ),
        ),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
