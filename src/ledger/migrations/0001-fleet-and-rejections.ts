import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { serialPrimaryKey } from './columns.js';

/** Meters (the fleet ingest validates against) and rejections (the dead letters of ingest). */
export const fleetAndRejections = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('meters')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('contract_id', 'varchar(64)')
      .addColumn('installed_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('max_power_w', 'double precision')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('rejections')
      // A monotonic sequence gives a stable "newest first" order and cursor for pagination.
      .addColumn('seq', 'integer', serialPrimaryKey(dialect))
      .addColumn('id', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('reason', 'varchar(64)', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('meter_id', 'varchar(64)')
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('payload_bytes', 'integer', (c) => c.notNull())
      .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rejections_meter_idx')
      .on('rejections')
      .columns(['meter_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rejections').execute();
    await db.schema.dropTable('meters').execute();
  },
});
