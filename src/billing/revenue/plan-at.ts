import { planBill, type BillPlan } from '../bill-status.js';
import type { BillingContext } from '../records/billing-context.js';
import type { StoredPeriodStatus } from '../records/periods-repo.js';

/** A period's ledger row with the instants that say what it was at an earlier time. */
export interface PeriodRowHistory {
  readonly start: number;
  readonly end: number;
  readonly status: StoredPeriodStatus;
  readonly holdReason: string | null;
  readonly invoiceNumber: string | null;
  readonly closedAt: number;
  /** When its invoice was issued; null while unsettled. */
  readonly settledAt: number | null;
  /** When settlement first held it; null if it never was. */
  readonly heldAt: number | null;
}

/** What became of a contract's period of the month, as it stood at an instant. */
export type PeriodAt =
  | { readonly kind: 'settled'; readonly invoiceNumber: string }
  | { readonly kind: 'unsettled'; readonly plan: BillPlan };

/**
 * The period of `ctx` in the local month `[monthStart, monthEnd)` as it stood: settled if its
 * invoice was issued by `asOf`, otherwise the bill plan it had at `at` (the instant unsettled bills
 * are valued at, `at <= asOf`): no row yet if it was closed later, `held` only if settlement
 * had held it by then, the calendar month uncut by a move-out recorded later. Undefined when the
 * contract has no period in the month that had started by `at`.
 *
 * @param moveOutRecordedAt When the contract's move-out was recorded, if it was (a contract created
 *   with its end has none).
 */
export function periodAt(
  ctx: BillingContext,
  monthStart: number,
  monthEnd: number,
  row: PeriodRowHistory | undefined,
  at: number,
  asOf: number,
  moveOutRecordedAt?: number,
): PeriodAt | undefined {
  if (row?.status === 'settled' && row.settledAt !== null && row.settledAt <= asOf) {
    if (row.invoiceNumber === null)
      throw new Error(`a settled period of ${ctx.contractId} has no invoice`);
    return { kind: 'settled', invoiceNumber: row.invoiceNumber };
  }
  const endsAt = moveOutRecordedAt !== undefined && moveOutRecordedAt > at ? null : ctx.endsAt;
  // The local month cut to the contract (docs/design.md §1), as periodsBetween makes it: plain
  // arithmetic on the month's edges, which a fleet of thousands shares per zone.
  const period = {
    start: Math.max(monthStart, ctx.startsAt),
    end: endsAt === null ? monthEnd : Math.min(monthEnd, endsAt),
  };
  if (period.start >= period.end || period.start > at) return undefined;
  const known = row !== undefined && row.closedAt <= at ? row : undefined;
  const plan = planBill(
    ctx.contractId,
    period,
    known === undefined
      ? undefined
      : {
          start: known.start,
          end: known.end,
          status: known.heldAt !== null && known.heldAt <= at ? 'held' : 'closed',
          holdReason: known.holdReason,
          invoiceNumber: null,
        },
    at,
  );
  return { kind: 'unsettled', plan };
}
