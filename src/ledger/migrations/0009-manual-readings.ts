import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { serialPrimaryKey } from './columns.js';

/**
 * Readings taken by people: a customer's self-read or a staff reading (`kind` `reading`), and staff
 * corrections (`correction`) with the stored reading each one replaced (`replaced`, JSON; null when
 * nothing was stored at that instant, e.g. the meter's reading had been rejected). The readings
 * themselves live in the readings store, marked with who took them; this table keeps what the store
 * does not: the note or reason, who entered it and when, and the original a correction overwrote.
 * Staff list them from here.
 */
export const manualReadings = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('manual_readings')
      .addColumn('id', 'integer', serialPrimaryKey(dialect))
      .addColumn('meter_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('ts', 'varchar(32)', (c) => c.notNull())
      // `reading` or `correction`.
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      // `customer` or `staff`.
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('import_wh', 'bigint', (c) => c.notNull())
      .addColumn('export_wh', 'bigint')
      // A reading's note, or a correction's reason.
      .addColumn('note', 'text')
      .addColumn('replaced', 'text')
      .addColumn('entered_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('entered_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('manual_readings_meter_idx')
      .on('manual_readings')
      .columns(['meter_id', 'ts'])
      .execute();
    await db.schema
      .createIndex('manual_readings_source_idx')
      .on('manual_readings')
      .columns(['source', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('manual_readings').execute();
  },
});
