import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { serialPrimaryKey } from './columns.js';

/**
 * `estimate_records`: the estimates the bill route showed, per contract and local day — a row each
 * time the figures shown (range, as-of, method) differ from the last ones shown that day to the
 * same kind of viewer — so what a customer saw can be audited after the readings behind it have
 * moved on. Rows are never updated. Money as exact decimal text.
 */
export const estimateRecords = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('estimate_records')
      .addColumn('id', 'integer', serialPrimaryKey(dialect))
      .addColumn('contract_id', 'varchar(64)', (c) => c.notNull())
      // The local date (YYYY-MM-DD) of the contract's zone on which the figures were shown.
      .addColumn('day', 'varchar(10)', (c) => c.notNull())
      // When these figures were first shown that day.
      .addColumn('shown_at', 'varchar(32)', (c) => c.notNull())
      // `customer` or `staff` (staff and admin keys).
      .addColumn('viewer', 'varchar(16)', (c) => c.notNull())
      .addColumn('period_start', 'varchar(32)', (c) => c.notNull())
      .addColumn('period_end', 'varchar(32)', (c) => c.notNull())
      .addColumn('as_of', 'varchar(32)')
      .addColumn('method', 'varchar(32)', (c) => c.notNull())
      .addColumn('projection', 'varchar(32)')
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('p10', 'varchar(40)', (c) => c.notNull())
      .addColumn('p50', 'varchar(40)', (c) => c.notNull())
      .addColumn('p90', 'varchar(40)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('estimate_records_contract_day_idx')
      .on('estimate_records')
      .columns(['contract_id', 'day'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('estimate_records').execute();
  },
});
