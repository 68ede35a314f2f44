import { recordAudit } from '../../audit/audit-log.js';
import { toIso, toRfc3339 } from '../../shared/time.js';
import type { PeriodBill } from '../bills/period-bill.js';
import { Dec, minorDigits, sum } from '../pricing/decimal.js';
import { applyAdjustments, pendingAdjustments } from '../records/adjustments-repo.js';
import type { BillingContext } from '../records/billing-context.js';
import { issueInvoice, type Invoice } from '../records/invoices-repo.js';
import type { StoredPeriod } from '../records/periods-repo.js';
import type { BillingDeps } from './billing-deps.js';

/**
 * Settle one period in one transaction (docs/design.md §5): mark it settled — only if it is still
 * closed or held, which makes settlement idempotent per (contract, period) and refuses a period
 * another runner settled first (on PostgreSQL that runner's row lock makes this wait, then see 0
 * rows) — take the next invoice number, write the invoice with the contract's pending adjustment
 * lines after the period's lines, mark those adjustments billed and write the audit row. The
 * invoice covers the range the bill prices, which starts after the period start when the
 * back-billing cap cut it. Answers undefined when the period was no longer open to settlement.
 */
export async function issuePeriodInvoice(
  deps: BillingDeps,
  input: {
    ctx: BillingContext;
    period: StoredPeriod;
    bill: PeriodBill;
    forced: boolean;
    actor: string;
    now: number;
  },
): Promise<Invoice | undefined> {
  const { ctx, period, bill, forced, actor, now } = input;
  return deps.db.transaction().execute(async (tx) => {
    const extrapolated = bill.basis.method === 'extrapolated-7d';
    const updated = await tx
      .updateTable('billing_periods')
      .set({
        status: 'settled',
        hold_reason: null,
        settled_at: toIso(now),
        end_extrapolated: extrapolated ? 1 : 0,
        claimed_by: null,
        claimed_until: null,
        updated_at: toIso(now),
      })
      .where('id', '=', period.id)
      .where('status', 'in', ['closed', 'held'])
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return undefined;
    const pending = await pendingAdjustments(tx, ctx.contractId);
    const adjustmentLines = pending.flatMap((a) => a.lines);
    const digits = minorDigits(bill.bill.currency);
    const total = sum([new Dec(bill.bill.total), ...pending.map((a) => new Dec(a.total))]).toFixed(
      digits,
    );
    const invoice = await issueInvoice(tx, {
      kind: 'period',
      contractId: ctx.contractId,
      customerId: ctx.customerId,
      periodId: period.id,
      // The range the bill prices: the period, or its part inside the back-billing cap.
      period: { start: bill.range.start, end: bill.range.end },
      currency: bill.bill.currency,
      lines: [...bill.bill.lines, ...adjustmentLines],
      subtotal: bill.bill.subtotal,
      total,
      basis: bill.basis,
      issuedAt: now,
      issuedBy: actor,
    });
    await tx
      .updateTable('billing_periods')
      .set({ invoice_number: invoice.number })
      .where('id', '=', period.id)
      .execute();
    if (
      (await applyAdjustments(
        tx,
        pending.map((a) => a.id),
        invoice.number,
      )) !== pending.length
    ) {
      throw new Error(
        `adjustments of contract ${ctx.contractId} were billed by another invoice meanwhile`,
      );
    }
    await recordAudit(tx, now, [
      {
        actor,
        action: forced ? 'force_settle' : 'settle',
        contractId: ctx.contractId,
        periodId: period.id,
        invoiceNumber: invoice.number,
        detail: {
          total,
          currency: invoice.currency,
          start: toRfc3339(period.start),
          end: toRfc3339(period.end),
          ...(bill.range.start > period.start
            ? { billedFrom: toRfc3339(bill.range.start), reason: 'back-billing cap' }
            : {}),
          method: bill.basis.method,
          adjustments: pending.map((a) => a.id),
        },
      },
    ]);
    return invoice;
  });
}
