import type { Kysely, Migration } from 'kysely';

/**
 * Privacy: each contract's consent, the erasure marker of customers, and what the retention
 * job has already reduced. Consent changes are audit rows (`audit_log`, action `consent_change`),
 * not a table of their own: the audit trail already answers who, when, from and to. The same
 * statements run on SQLite and PostgreSQL.
 */
export const privacy = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // `month` is the default: what billing needs and what the law allows without a specific
    // consent.
    await db.schema
      .alterTable('contracts')
      .addColumn('consent', 'varchar(16)', (c) => c.notNull().defaultTo('month'))
      .execute();
    // Set once personal fields have been replaced by a pseudonym and the readings erased.
    await db.schema.alterTable('customers').addColumn('erased_at', 'varchar(32)').execute();
    await db.schema
      .createTable('retention_marks')
      .addColumn('meter_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('period_id', 'varchar(64)', (c) => c.notNull())
      // What the period was reduced to (`day`, `month+tariff`, ...): a changed target means run
      // again.
      .addColumn('kept', 'varchar(32)', (c) => c.notNull())
      .addColumn('done_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('retention_marks_pk', ['meter_id', 'period_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('retention_marks').execute();
    await db.schema.alterTable('customers').dropColumn('erased_at').execute();
    await db.schema.alterTable('contracts').dropColumn('consent').execute();
  },
});
