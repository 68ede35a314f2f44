import { recordAudit } from '../../audit/audit-log.js';
import { Dec, minorDigits, sum } from '../pricing/decimal.js';
import {
  applyAdjustments,
  contractsWithPendingAdjustments,
  pendingAdjustments,
} from '../records/adjustments-repo.js';
import { loadBillingContexts } from '../records/billing-context.js';
import { issueInvoice } from '../records/invoices-repo.js';
import type { BillingDeps } from './billing-deps.js';

/**
 * Pending adjustments of a contract that has ended and whose every period is settled have no next
 * invoice to ride on: bill them on an adjustment invoice of their own (kind `adjustment`). One
 * transaction per contract; a concurrent runner that billed them first makes this one roll back.
 */
export async function invoiceOrphanAdjustments(deps: BillingDeps, actor: string): Promise<number> {
  const now = deps.clock.now();
  const contexts = await loadBillingContexts(
    deps.db,
    await contractsWithPendingAdjustments(deps.db),
  );
  let issued = 0;
  for (const ctx of contexts.values()) {
    if (ctx.endsAt === null || ctx.endsAt > now) continue;
    // Every period closed up to the move-out, and all of them settled.
    const periods = await deps.db
      .selectFrom('billing_periods')
      .select(['status', 'end_at'])
      .where('contract_id', '=', ctx.contractId)
      .execute();
    const lastEnd = Math.max(...periods.map((p) => Date.parse(p.end_at)));
    if (periods.some((p) => p.status !== 'settled') || lastEnd < ctx.endsAt) continue;
    const done = await deps.db
      .transaction()
      .execute(async (tx) => {
        const pending = await pendingAdjustments(tx, ctx.contractId);
        if (pending.length === 0) return false;
        const currency = pending[0]!.currency;
        const digits = minorDigits(currency);
        const lines = pending.flatMap((a) => a.lines);
        const periods = await tx
          .selectFrom('billing_periods')
          .select(['start_at', 'end_at'])
          .where(
            'id',
            'in',
            pending.map((a) => a.periodId),
          )
          .execute();
        const invoice = await issueInvoice(tx, {
          kind: 'adjustment',
          contractId: ctx.contractId,
          customerId: ctx.customerId,
          periodId: null,
          period: {
            start: Math.min(...periods.map((p) => Date.parse(p.start_at))),
            end: Math.max(...periods.map((p) => Date.parse(p.end_at))),
          },
          currency,
          lines,
          // Adjustments of percent-tax lines are priced in money (unit = currency): they are not
          // part of the subtotal.
          subtotal: sum(
            lines.filter((l) => l.unit !== currency).map((l) => new Dec(l.amount)),
          ).toFixed(digits),
          total: sum(pending.map((a) => new Dec(a.total))).toFixed(digits),
          basis: { measuredImportWh: 0, projectedImportWh: 0, asOf: null, method: 'measured' },
          issuedAt: now,
          issuedBy: actor,
        });
        if (
          (await applyAdjustments(
            tx,
            pending.map((a) => a.id),
            invoice.number,
          )) !== pending.length
        )
          throw new Error('adjustments were billed meanwhile');
        await recordAudit(tx, now, [
          {
            actor,
            action: 'settle',
            contractId: ctx.contractId,
            invoiceNumber: invoice.number,
            detail: {
              kind: 'adjustment',
              total: invoice.total,
              currency,
              adjustments: pending.map((a) => a.id),
            },
          },
        ]);
        return true;
      })
      .catch((err: unknown) => {
        deps.log.warn(
          { err, contractId: ctx.contractId },
          'adjustment invoice not issued; the next run retries',
        );
        return false;
      });
    if (done) issued += 1;
  }
  return issued;
}
