import { adjustSettledPeriods } from './adjust-settled.js';
import { invoiceOrphanAdjustments } from './adjustment-invoices.js';
import type { BillingDeps, BillingOptions, SettlementResult } from './billing-deps.js';
import { closeEndedPeriods } from './close-periods.js';
import { settleDuePeriods } from './settle-periods.js';

/**
 * One settlement run (docs/design.md §5), the same function for the cron and
 * `POST /v1/billing/settle`:
 * 1. recompute settled periods that late readings changed → adjustments;
 * 2. close every period that has ended;
 * 3. settle the closed and held periods whose grace window has passed (`force`: extrapolate missing
 *    end indexes instead of holding), never billing consumption older than the back-billing cap;
 * 4. bill adjustments of contracts that have no period left on an adjustment invoice.
 * Safe to run from any number of instances at once, and idempotent.
 */
export async function runSettlement(
  deps: BillingDeps,
  opts: BillingOptions,
  input: { actor: string; contractId?: string | undefined; force?: boolean | undefined },
): Promise<SettlementResult> {
  const started = performance.now();
  // Late readings are recomputed for every contract, whatever `contractId` names: they are a
  // fleet-wide queue.
  const adjusting = await adjustSettledPeriods(deps, opts, input.actor);
  const { closed } = await closeEndedPeriods(deps, {
    at: deps.clock.now(),
    actor: input.actor,
    contractId: input.contractId,
  });
  const counts = await settleDuePeriods(deps, opts, input);
  // A run stopped by its process's shutdown leaves the rest to the next run.
  if (deps.signal?.aborted !== true) await invoiceOrphanAdjustments(deps, input.actor);
  const result: SettlementResult = {
    closed: closed.length,
    settled: counts.settled,
    held: counts.held,
    failed: counts.failed + adjusting.failed,
    adjusted: adjusting.adjusted,
    notBilled: adjusting.notBilled + counts.notBilled,
  };
  deps.log.info(
    {
      ...result,
      actor: input.actor,
      contractId: input.contractId,
      force: input.force === true,
      ...(deps.signal?.aborted === true ? { stopped: true } : {}),
      ms: Math.round(performance.now() - started),
    },
    'settlement run',
  );
  return result;
}
