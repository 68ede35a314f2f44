import type { Kysely, Selectable } from 'kysely';
import type { AdjustmentTable, LedgerDatabase } from '../../ledger/schema.js';
import { newId } from '../../shared/ids.js';
import { toIso } from '../../shared/time.js';
import type { InvoiceLine } from './invoice-line.js';

/** A correction of a settled period, billed on a later invoice (docs/design.md §1). */
export interface Adjustment {
  readonly id: string;
  readonly contractId: string;
  readonly periodId: string;
  /** The settled invoice it corrects. */
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
  readonly total: string;
  readonly reason: string;
  readonly createdAt: number;
  /** The invoice that billed it; null while pending. */
  readonly appliedInvoiceNumber: string | null;
}

function toAdjustment(r: Selectable<AdjustmentTable>): Adjustment {
  return {
    id: r.id,
    contractId: r.contract_id,
    periodId: r.period_id,
    invoiceNumber: r.invoice_number,
    currency: r.currency,
    lines: JSON.parse(r.lines) as InvoiceLine[],
    total: r.total,
    reason: r.reason,
    createdAt: Date.parse(r.created_at),
    appliedInvoiceNumber: r.applied_invoice_number,
  };
}

/** Record an adjustment (pending until an invoice bills it). */
export async function insertAdjustment(
  db: Kysely<LedgerDatabase>,
  a: Omit<Adjustment, 'id' | 'appliedInvoiceNumber'>,
): Promise<Adjustment> {
  const adj: Adjustment = { id: newId('adj'), ...a, appliedInvoiceNumber: null };
  await db
    .insertInto('adjustments')
    .values({
      id: adj.id,
      contract_id: a.contractId,
      period_id: a.periodId,
      invoice_number: a.invoiceNumber,
      currency: a.currency,
      lines: JSON.stringify(a.lines),
      total: a.total,
      reason: a.reason,
      created_at: toIso(a.createdAt),
      applied_invoice_number: null,
    })
    .execute();
  return adj;
}

/** Adjustments of a contract not billed yet, oldest first. */
export async function pendingAdjustments(
  db: Kysely<LedgerDatabase>,
  contractId: string,
): Promise<Adjustment[]> {
  const rows = await db
    .selectFrom('adjustments')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('applied_invoice_number', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAdjustment);
}

/** Every adjustment of a settled period (billed or pending), oldest first. */
export async function adjustmentsOfPeriod(
  db: Kysely<LedgerDatabase>,
  periodId: string,
): Promise<Adjustment[]> {
  const rows = await db
    .selectFrom('adjustments')
    .selectAll()
    .where('period_id', '=', periodId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toAdjustment);
}

/** Mark adjustments billed by `invoiceNumber`; answers how many were still pending. */
export async function applyAdjustments(
  tx: Kysely<LedgerDatabase>,
  ids: readonly string[],
  invoiceNumber: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await tx
    .updateTable('adjustments')
    .set({ applied_invoice_number: invoiceNumber })
    .where('id', 'in', [...ids])
    .where('applied_invoice_number', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Contracts with pending adjustments. */
export async function contractsWithPendingAdjustments(
  db: Kysely<LedgerDatabase>,
): Promise<string[]> {
  const rows = await db
    .selectFrom('adjustments')
    .select('contract_id')
    .distinct()
    .where('applied_invoice_number', 'is', null)
    .execute();
  return rows.map((r) => r.contract_id);
}
