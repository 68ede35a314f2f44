import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { serialPrimaryKey } from './columns.js';

/**
 * The readings change feed: every change to readings that a cache may already hold, i.e. a
 * reading stored long after its meter time, or readings deleted by retention or erasure. API
 * processes follow it to drop what they cached. Rows are short-lived: followers prune those older
 * than a day. Bounds are epoch ms (erasure removes all time, which no ISO string can hold).
 */
export const readingChanges = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('reading_changes')
      .addColumn('id', 'integer', serialPrimaryKey(dialect))
      .addColumn('meter_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('from_ms', 'bigint', (c) => c.notNull())
      .addColumn('to_ms', 'bigint', (c) => c.notNull())
      // `late` (stored more than an hour after its meter time), `resumed` (a meter speaks after an
      // hour of silence) or `deleted`.
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reading_changes_recorded_idx')
      .on('reading_changes')
      .column('recorded_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('reading_changes').execute();
  },
});
