import type { Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { serialPrimaryKey } from './columns.js';

/**
 * `late_arrivals`: readings ingest stored long after their meter time, pending (`processed_at`
 * null) until settlement recomputed the settled periods they touch. Migration 0006 moves them into
 * the readings change feed, and its `down` makes this table again.
 */
export async function createLateArrivals(db: Kysely<unknown>, dialect: LedgerDialect) {
  await db.schema
    .createTable('late_arrivals')
    .addColumn('id', 'integer', serialPrimaryKey(dialect))
    .addColumn('meter_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('from_ts', 'varchar(32)', (c) => c.notNull())
    .addColumn('to_ts', 'varchar(32)', (c) => c.notNull())
    .addColumn('readings', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('processed_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('late_arrivals_pending_idx')
    .on('late_arrivals')
    .columns(['processed_at', 'id'])
    .execute();
}

/**
 * Billing (docs/design.md §1, §5): periods with their status, invoices numbered without gaps per
 * year, adjustments of settled periods, late arrivals recorded by ingest, and the audit trail.
 * Money and quantities are decimal strings inside JSON text or text columns: never floating point.
 */
export const billing = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('billing_periods')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('contract_id', 'varchar(64)', (c) => c.notNull().references('contracts.id'))
      .addColumn('start_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('end_at', 'varchar(32)', (c) => c.notNull())
      // closed | held | settled (an open period is the current one and has no row yet).
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('hold_reason', 'text')
      .addColumn('closed_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('closed_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('settled_at', 'varchar(32)')
      .addColumn('invoice_number', 'varchar(32)')
      // 1 while a forced settlement's extrapolated end index awaits a real reading (then an
      // adjustment follows).
      .addColumn('end_extrapolated', 'integer', (c) => c.notNull().defaultTo(0))
      // A settlement runner's lease on the period, so concurrent runners do not price it twice.
      .addColumn('claimed_by', 'varchar(64)')
      .addColumn('claimed_until', 'varchar(32)')
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint('billing_periods_contract_start_uq', ['contract_id', 'start_at'])
      .execute();
    await db.schema
      .createIndex('billing_periods_status_idx')
      .on('billing_periods')
      .columns(['status', 'end_at'])
      .execute();

    await db.schema
      .createTable('invoice_sequences')
      .addColumn('year', 'integer', (c) => c.primaryKey())
      .addColumn('last_seq', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('invoices')
      .addColumn('number', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      // period: the bill of a billing period; adjustment: corrections only, for a contract with no
      // period left.
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('contract_id', 'varchar(64)', (c) => c.notNull().references('contracts.id'))
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('period_id', 'varchar(64)')
      .addColumn('period_start', 'varchar(32)', (c) => c.notNull())
      .addColumn('period_end', 'varchar(32)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('subtotal', 'varchar(40)', (c) => c.notNull())
      .addColumn('total', 'varchar(40)', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('issued_by', 'varchar(128)', (c) => c.notNull())
      .addUniqueConstraint('invoices_year_seq_uq', ['year', 'seq'])
      .execute();
    await db.schema
      .createIndex('invoices_contract_idx')
      .on('invoices')
      .columns(['contract_id', 'issued_at'])
      .execute();

    await db.schema
      .createTable('adjustments')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('contract_id', 'varchar(64)', (c) => c.notNull().references('contracts.id'))
      .addColumn('period_id', 'varchar(64)', (c) => c.notNull())
      // The settled invoice the adjustment corrects.
      .addColumn('invoice_number', 'varchar(32)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('total', 'varchar(40)', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      // The later invoice that bills it; null while pending.
      .addColumn('applied_invoice_number', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('adjustments_contract_idx')
      .on('adjustments')
      .columns(['contract_id', 'applied_invoice_number'])
      .execute();

    await createLateArrivals(db, dialect);

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', serialPrimaryKey(dialect))
      .addColumn('at', 'varchar(32)', (c) => c.notNull())
      // Who: `key:<api key id>`, `bootstrap-admin`, `cron`.
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('contract_id', 'varchar(64)')
      .addColumn('period_id', 'varchar(64)')
      .addColumn('invoice_number', 'varchar(32)')
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_contract_idx')
      .on('audit_log')
      .columns(['contract_id', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const t of [
      'audit_log',
      'late_arrivals',
      'adjustments',
      'invoices',
      'invoice_sequences',
      'billing_periods',
    ]) {
      await db.schema.dropTable(t).execute();
    }
  },
});
