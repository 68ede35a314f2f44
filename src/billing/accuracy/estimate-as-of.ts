import type { ReadingStore } from '../../readings/reading-store.js';
import { planBill, type BillView } from '../bill-status.js';
import { priceBills } from '../bill-view.js';
import type { FleetResiduals } from '../estimate/fleet-residuals.js';
import type { TimeRange } from '../pricing/bill.js';
import type { BillingContext } from '../records/billing-context.js';
import { receivedBy } from '../revenue/received-by.js';

/** One period whose estimate is asked as it stood at an instant. */
export interface EstimateAt {
  readonly ctx: BillingContext;
  readonly period: TimeRange;
}

/**
 * The estimates of `periods` as they stood at `at`, priced by the same code as the bill route, from
 * the readings received by then only (`receivedAt <= at`), so the answer for a past instant does not
 * depend on what arrived after it: what the bill route would have answered at `at`, for a period
 * open then. By contract id. Periods not open at `at` are left out.
 *
 * @throws AppError `store_unavailable` when the store fails.
 */
export async function estimatesAsOf(
  store: Pick<ReadingStore, 'windows'>,
  periods: readonly EstimateAt[],
  at: number,
  fleet?: FleetResiduals,
): Promise<Map<string, BillView>> {
  const open = periods.filter((p) => p.period.start <= at && at < p.period.end);
  if (open.length === 0) return new Map();
  return priceBills(
    receivedBy(store, at),
    open.map(({ ctx, period }) => ({ ctx, plan: planBill(ctx.contractId, period, undefined, at) })),
    at,
    fleet,
  );
}
