import { recordAudit } from '../../audit/audit-log.js';
import { toIso, toRfc3339 } from '../../shared/time.js';
import { BASELINE_MS } from '../estimate/projection.js';
import { foldBills, usagesOf } from '../bills/fold-bills.js';
import { extrapolatedBillOf, measuredBillOf, settlementWays } from '../bills/period-bill.js';
import { adjustmentsOfPeriod, insertAdjustment } from '../records/adjustments-repo.js';
import { loadBillingContexts } from '../records/billing-context.js';
import { invoicesByNumbers } from '../records/invoices-repo.js';
import { markLateReadingsProcessed } from '../records/pending-late-readings.js';
import { claimPeriod, LEASE_MS, releaseClaim } from '../records/period-leases.js';
import { adjustmentCandidates, type AdjustmentCandidate } from './adjustment-candidates.js';
import { adjustmentLines } from './adjustment-lines.js';
import { backBillingCapStart, billableRange } from './back-billing-cap.js';
import type { BillingDeps, BillingOptions } from './billing-deps.js';

/**
 * Recompute the settled periods that readings stored late may have changed (docs/design.md §5): the
 * difference from what was billed (invoice plus earlier adjustments) becomes an adjustment, billed
 * on the contract's next invoice; the settled invoice is never edited. A period is recomputed over
 * the range its invoice billed, so the part of a period that the back-billing cap kept off its
 * invoice never comes back as an adjustment. A period that ended at or before the cap is not
 * adjusted: the change is reported in the audit log and counted. When the store cannot be read,
 * nothing is recomputed and the periods count as `failed`.
 */
export async function adjustSettledPeriods(
  deps: BillingDeps,
  opts: BillingOptions,
  actor: string,
): Promise<{ adjusted: number; notBilled: number; failed: number }> {
  const now = deps.clock.now();
  const { found, upTo } = await adjustmentCandidates(deps);
  const capStart = backBillingCapStart(now, opts.backBillingMonths);
  let adjusted = 0;
  let notBilled = 0;
  let skipped = false;
  const mine: AdjustmentCandidate[] = [];
  for (const c of found.values()) {
    if (await claimPeriod(deps.db, c.period.id, opts.runnerId, now, LEASE_MS, ['settled']))
      mine.push(c);
    else skipped = true;
  }
  try {
    const contexts = await loadBillingContexts(
      deps.db,
      mine.map((c) => c.period.contractId),
    );
    const invoices = new Map(
      (
        await invoicesByNumbers(
          deps.db,
          mine.flatMap((c) => c.period.invoiceNumber ?? []),
        )
      ).map((i) => [i.number, i]),
    );
    // An invoice that starts after its period start was cut by the back-billing cap: the
    // recomputation prices that same range, or the part left off would come back as a difference.
    const cutOf = (p: AdjustmentCandidate['period']): number | undefined => {
      const billed = p.invoiceNumber === null ? undefined : invoices.get(p.invoiceNumber);
      return billed !== undefined && billed.period.start > p.start
        ? billed.period.start
        : undefined;
    };
    // Each meter is summed into its period as it arrives (measured, and extrapolated where the
    // invoice was): however many meters a contract has, their readings are never in memory
    // together.
    let folded;
    try {
      folded = await foldBills(
        deps.store,
        mine.map(({ period: p }) => {
          const frame = {
            tz: contexts.get(p.contractId)?.timezone ?? 'UTC',
            period: { start: p.start, end: p.end },
            cappedAt: cutOf(p),
          };
          return {
            key: p.id,
            meterIds: contexts.get(p.contractId)?.meterIds ?? [],
            from: (frame.cappedAt ?? p.start) - BASELINE_MS,
            to: p.end,
            ways: settlementWays(frame, p.endExtrapolated),
          };
        }),
      );
    } catch (err) {
      // The store is down: the late readings stay pending, and the rest of the run goes on.
      deps.log.warn(
        { err, periods: mine.length },
        'recomputing settled periods failed; the next run retries',
      );
      return { adjusted: 0, notBilled: 0, failed: mine.length };
    }
    // One transaction: the adjustments of this run and the move of settlement's cursor past the
    // late readings that asked for them commit together, or neither does and the next run reads
    // them again.
    await deps.db.transaction().execute(async (tx) => {
      for (const { period: p, why } of mine) {
        const ctx = contexts.get(p.contractId);
        const invoice = p.invoiceNumber === null ? undefined : invoices.get(p.invoiceNumber);
        if (ctx === undefined || invoice === undefined) continue;
        const frame = {
          tariff: ctx.tariff,
          tz: ctx.timezone,
          period: { start: p.start, end: p.end },
          cappedAt: cutOf(p),
        };
        const [measuredUse, extrapolatedUse] = usagesOf(folded.get(p.id), p.id);
        if (measuredUse === undefined) throw new Error(`period ${p.id} has no measured usage`);
        const measured = measuredBillOf(frame, measuredUse);
        const complete = measured.meterIdsWithoutEnd.length === 0;
        const recomputed =
          complete || extrapolatedUse === undefined
            ? measured
            : extrapolatedBillOf(frame, extrapolatedUse);
        const prior = await adjustmentsOfPeriod(tx, p.id);
        const diff = adjustmentLines(
          {
            invoiceNumber: invoice.number,
            currency: invoice.currency,
            invoiceLines: invoice.lines.filter((l) => l.kind !== 'adjustment'),
            adjustmentLines: prior.flatMap((a) => a.lines),
          },
          recomputed.bill.lines,
        );
        const confirmEnd = p.endExtrapolated && complete;
        if (diff.lines.length > 0 && billableRange(p, capStart) === undefined) {
          notBilled += 1;
          await recordAudit(tx, now, [
            {
              actor,
              action: 'late_readings_not_billed',
              contractId: p.contractId,
              periodId: p.id,
              invoiceNumber: invoice.number,
              detail: {
                reason: `the period ended before the back-billing cap (${opts.backBillingMonths} months)`,
                difference: diff.total,
                currency: invoice.currency,
                capStart: toRfc3339(capStart),
              },
            },
          ]);
        } else if (diff.lines.length > 0) {
          const adj = await insertAdjustment(tx, {
            contractId: p.contractId,
            periodId: p.id,
            invoiceNumber: invoice.number,
            currency: invoice.currency,
            lines: diff.lines,
            total: diff.total,
            reason: why,
            createdAt: now,
          });
          await recordAudit(tx, now, [
            {
              actor,
              action: 'adjust',
              contractId: p.contractId,
              periodId: p.id,
              invoiceNumber: invoice.number,
              detail: {
                adjustment: adj.id,
                total: diff.total,
                currency: invoice.currency,
                reason: why,
              },
            },
          ]);
          adjusted += 1;
        }
        if (confirmEnd)
          await tx
            .updateTable('billing_periods')
            .set({ end_extrapolated: 0, updated_at: toIso(now) })
            .where('id', '=', p.id)
            .execute();
      }
      // A period another runner was recomputing keeps its late readings pending for the next run.
      if (!skipped) await markLateReadingsProcessed(tx, upTo);
    });
  } finally {
    for (const c of mine)
      await releaseClaim(deps.db, c.period.id, opts.runnerId).catch(() => undefined);
  }
  return { adjusted, notBilled, failed: 0 };
}
