import type { Kysely, Selectable } from 'kysely';
import type { InvoiceTable, LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { BillBasis } from '../bills/period-bill.js';
import type { TimeRange } from '../pricing/bill.js';
import type { InvoiceLine } from './invoice-line.js';

/** An issued invoice (docs/design.md §1): immutable once written. */
export interface Invoice {
  /** `INV-YYYY-NNNNNN`, sequential per year without gaps. */
  readonly number: string;
  readonly kind: InvoiceTable['kind'];
  readonly contractId: string;
  readonly customerId: string;
  readonly periodId: string | null;
  readonly period: TimeRange;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: string;
  readonly total: string;
  readonly basis: BillBasis;
  readonly issuedAt: number;
  readonly issuedBy: string;
}

/** What issuing an invoice needs; the number is assigned by `issueInvoice`. */
export type NewInvoice = Omit<Invoice, 'number'>;

function toInvoice(r: Selectable<InvoiceTable>): Invoice {
  return {
    number: r.number,
    kind: r.kind,
    contractId: r.contract_id,
    customerId: r.customer_id,
    periodId: r.period_id,
    period: { start: Date.parse(r.period_start), end: Date.parse(r.period_end) },
    currency: r.currency,
    lines: JSON.parse(r.lines) as InvoiceLine[],
    subtotal: r.subtotal,
    total: r.total,
    basis: JSON.parse(r.basis) as BillBasis,
    issuedAt: Date.parse(r.issued_at),
    issuedBy: r.issued_by,
  };
}

/** `INV-2026-000042`. */
export function invoiceNumber(year: number, seq: number): string {
  return `INV-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * Issue an invoice inside the caller's transaction: take the next number of the issue year (UTC)
 * and write the invoice. The sequence row stays locked until the transaction ends and a rollback
 * gives the number back, so numbers are sequential without gaps however many runners settle at
 * once.
 */
export async function issueInvoice(tx: Kysely<LedgerDatabase>, inv: NewInvoice): Promise<Invoice> {
  const year = new Date(inv.issuedAt).getUTCFullYear();
  await tx
    .insertInto('invoice_sequences')
    .values({ year, last_seq: 0 })
    .onConflict((oc) => oc.column('year').doNothing())
    .execute();
  const { last_seq: seq } = await tx
    .updateTable('invoice_sequences')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('year', '=', year)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const number = invoiceNumber(year, seq);
  await tx
    .insertInto('invoices')
    .values({
      number,
      year,
      seq,
      kind: inv.kind,
      contract_id: inv.contractId,
      customer_id: inv.customerId,
      period_id: inv.periodId,
      period_start: toIso(inv.period.start),
      period_end: toIso(inv.period.end),
      currency: inv.currency,
      subtotal: inv.subtotal,
      total: inv.total,
      lines: JSON.stringify(inv.lines),
      basis: JSON.stringify(inv.basis),
      issued_at: toIso(inv.issuedAt),
      issued_by: inv.issuedBy,
    })
    .execute();
  return { number, ...inv };
}

/** The invoice `number`, if it exists (visibility is the caller's business). */
export async function findInvoice(
  db: Kysely<LedgerDatabase>,
  number: string,
): Promise<Invoice | undefined> {
  const row = await db
    .selectFrom('invoices')
    .selectAll()
    .where('number', '=', number)
    .executeTakeFirst();
  return row === undefined ? undefined : toInvoice(row);
}

/** The invoices of a contract, newest first. */
export async function invoicesOf(
  db: Kysely<LedgerDatabase>,
  contractId: string,
): Promise<Invoice[]> {
  const rows = await db
    .selectFrom('invoices')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('year', 'desc')
    .orderBy('seq', 'desc')
    .execute();
  return rows.map(toInvoice);
}

/** Invoices by number. */
export async function invoicesByNumbers(
  db: Kysely<LedgerDatabase>,
  numbers: readonly string[],
): Promise<Invoice[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('invoices')
    .selectAll()
    .where('number', 'in', [...numbers])
    .execute();
  return rows.map(toInvoice);
}
