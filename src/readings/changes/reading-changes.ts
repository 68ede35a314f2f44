import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { ReadingRange } from '../reading.js';

/** One entry of the readings change feed: the readings of `meterId` in [from, to] changed. */
export interface ReadingChange extends ReadingRange {
  readonly id: number;
  readonly meterId: string;
  readonly kind: 'late' | 'deleted' | 'resumed';
}

export type NewReadingChange = Omit<ReadingChange, 'id'>;

/** Append changes to the feed (chunks of 500 rows per statement). */
export async function recordReadingChanges(db: Kysely<LedgerDatabase>, changes: readonly NewReadingChange[], at: number): Promise<void> {
  const rows = changes.map((c) => ({ meter_id: c.meterId, from_ms: c.from, to_ms: c.to, kind: c.kind, recorded_at: toIso(at) }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('reading_changes').values(rows.slice(i, i + 500)).execute();
}

/** Changes with an id above `afterId`, in id order, at most `limit`. */
export async function readingChangesAfter(db: Kysely<LedgerDatabase>, afterId: number, limit: number): Promise<ReadingChange[]> {
  const rows = await db.selectFrom('reading_changes').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), meterId: r.meter_id, from: Number(r.from_ms), to: Number(r.to_ms), kind: r.kind }));
}

/** The highest id in the feed, 0 when empty: where a new follower starts. */
export async function lastReadingChangeId(db: Kysely<LedgerDatabase>): Promise<number> {
  const row = await db.selectFrom('reading_changes').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** Delete feed rows recorded before `before`; any follower still behind them has cleared its cache. */
export async function pruneReadingChanges(db: Kysely<LedgerDatabase>, before: number): Promise<number> {
  const r = await db.deleteFrom('reading_changes').where('recorded_at', '<', toIso(before)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
