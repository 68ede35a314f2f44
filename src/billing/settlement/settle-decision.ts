import { toRfc3339 } from '../../shared/time.js';
import { extrapolatedBillOf, measuredBillOf, type PeriodBill } from '../bills/period-bill.js';
import { type FoldedBill, usagesOf } from '../bills/fold-bills.js';
import { PricingError } from '../pricing/errors.js';
import type { BillingContext } from '../records/billing-context.js';
import type { StoredPeriod } from '../records/periods-repo.js';

/** What to do with a due period. */
export type Decision =
  | { readonly kind: 'settle'; readonly bill: PeriodBill; readonly forced: boolean }
  | { readonly kind: 'hold'; readonly reason: string };

/**
 * Settle on measured data; or hold; or, with `force`, settle on an extrapolated end
 * index (docs/design.md §5). `folded` holds the period's measured usage, then (when
 * forcing) its extrapolated usage, both over the billed range: the period, or its part from
 * `cappedAt` (the back-billing cap) when the cap cuts it.
 */
export function decide(
  ctx: BillingContext,
  period: StoredPeriod,
  folded: FoldedBill | undefined,
  force: boolean,
  cappedAt?: number,
): Decision {
  const frame = {
    tariff: ctx.tariff,
    tz: ctx.timezone,
    period: { start: period.start, end: period.end },
    cappedAt,
  };
  try {
    const [measured, extrapolated] = usagesOf(folded, period.id);
    if (measured === undefined) throw new Error(`period ${period.id} has no measured usage`);
    if (measured.meters.length === 0 && !force)
      return { kind: 'hold', reason: 'no meter is attached to the contract' };
    const bill = measuredBillOf(frame, measured);
    if (bill.meterIdsWithoutEnd.length === 0) return { kind: 'settle', bill, forced: false };
    if (force && extrapolated !== undefined)
      return { kind: 'settle', bill: extrapolatedBillOf(frame, extrapolated), forced: true };
    return {
      kind: 'hold',
      reason: `no reading at or after the period end (${toRfc3339(period.end)}) from meter ${bill.meterIdsWithoutEnd.join(', ')}`,
    };
  } catch (e) {
    if (e instanceof PricingError)
      return { kind: 'hold', reason: `cannot be priced: ${e.message}` };
    throw e;
  }
}
