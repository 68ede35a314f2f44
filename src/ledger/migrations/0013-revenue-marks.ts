import type { Kysely, Migration } from 'kysely';

/**
 * `revenue_marks`: the figures of an unsettled bill (estimated, provisional or held) as they stood
 * at an instant, written when the state of revenue first needs them. The state of revenue for a month
 * then sums one row per contract instead of pricing every bill from the readings store, and the
 * answer for a past instant is what was known then. Rows are never updated. Money as exact decimal
 * text. Indexes for the set queries of that sum: the periods and invoices of a month by their start,
 * and the audit rows (holds, move-outs) that say what a period's status was at a past instant.
 */
export const revenueMarks = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('revenue_marks')
      .addColumn('contract_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('period_start', 'varchar(32)', (c) => c.notNull())
      // The instant the figures are as of.
      .addColumn('marked_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('period_end', 'varchar(32)', (c) => c.notNull())
      // estimated | provisional | held, as the bill stood at `marked_at`.
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('p10', 'varchar(40)', (c) => c.notNull())
      .addColumn('p50', 'varchar(40)', (c) => c.notNull())
      .addColumn('p90', 'varchar(40)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('revenue_marks_pk', ['marked_at', 'period_start', 'contract_id'])
      .execute();
    await db.schema
      .createIndex('billing_periods_start_idx')
      .on('billing_periods')
      .column('start_at')
      .execute();
    await db.schema
      .createIndex('invoices_period_start_idx')
      .on('invoices')
      .column('period_start')
      .execute();
    await db.schema
      .createIndex('audit_log_action_idx')
      .on('audit_log')
      .columns(['action', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_log_action_idx').execute();
    await db.schema.dropIndex('invoices_period_start_idx').execute();
    await db.schema.dropIndex('billing_periods_start_idx').execute();
    await db.schema.dropTable('revenue_marks').execute();
  },
});
