import { toIso } from '../shared/time.js';
import {
  BILL_STATUSES,
  billsNothing,
  planBill,
  unbilledView,
  type BillPlan,
  type BillStatus,
  type BillView,
  type PeriodRecord,
} from './bill-status.js';
import { billViewCapStart, type BillViewDeps } from './bill-view.js';
import { periodsBetween } from './periods/billing-periods.js';
import { Dec, fixed, minorDigits } from './pricing/decimal.js';
import { valueBills } from './revenue/bill-valuations.js';
import { markKey } from './revenue/revenue-marks-repo.js';
import { monthEdges, revenueMonth, type MonthEdges } from './revenue/revenue-month.js';
import { loadBillingContexts, type BillingContext } from './records/billing-context.js';

/** Count and exact total of the bills of one status in one currency. */
export interface SummaryGroup {
  readonly status: BillStatus;
  readonly currency: string;
  readonly count: number;
  /** Decimal string with the currency's minor digits. */
  readonly total: string;
}

/**
 * docs/design.md §4 `GET /v1/billing/summary`: what a month bills, estimated vs provisional vs
 * settled (vs held).
 */
export interface BillingSummary {
  readonly month: string;
  /**
   * By status in docs/design.md §1 order (estimated, provisional, settled, held), then by currency.
   */
  readonly items: readonly SummaryGroup[];
}

/**
 * The plan of `ctx`'s bill for `month` (its edges in the contract's zone), or undefined when it has
 * none (not active, not started).
 */
function planOf(
  ctx: BillingContext,
  month: MonthEdges,
  rows: ReadonlyMap<string, PeriodRecord>,
  now: number,
  capStart: number,
): BillPlan | undefined {
  // Periods are local months cut to the contract: at most one overlaps the month. The zone's month
  // edges come computed once per zone; asking the calendar per contract was most of what the
  // summary of a settled month of 20,000 cost.
  const period = periodsBetween(ctx, month.start, month.end)[0];
  if (period === undefined || period.start > now) return undefined;
  const row = rows.get(markKey(ctx.contractId, period.start));
  return planBill(ctx.contractId, period, row, now, capStart);
}

/**
 * Count and total the bills of every contract active in `month` (its period overlapping that local
 * calendar month in the contract's time zone) by status and currency, each bill as `contractBill`
 * would answer it: a settled period counts its invoice, a held or ended one its measured bill (from
 * the back-billing cap when it straddles it), the open one its estimate. A period beyond the cap
 * counts as `held` with a zero total: it is money that will never be billed, so it adds nothing to
 * the held money that may still be. Unsettled bills take their valuation of the 15 minutes before
 * now, as the state of revenue does, or are priced and valued now (`valueBills`): a fleet the
 * schedule valued recently is summed from the ledger alone, whatever its size, and the summary's
 * estimated total is the state of revenue's `estimated.p50` at the same instant.
 *
 * @throws AppError `validation_failed` for a month not written YYYY-MM; `store_unavailable` when
 *   the store fails.
 */
export async function billingSummary(deps: BillViewDeps, month: string): Promise<BillingSummary> {
  const m = revenueMonth(month);
  const now = deps.clock.now();
  const contexts = [...(await loadBillingContexts(deps.db)).values()];
  const edgesOf = monthEdges(m);

  // Every month start lies within a day of the UTC month: one range query finds all rows of the
  // month. A settled period's invoice comes with its row, currency and total only: a fleet's
  // invoices are never loaded whole (lines, basis) nor looked up by a list of thousands of numbers.
  const rows = await deps.db
    .selectFrom('billing_periods')
    .leftJoin('invoices', 'invoices.number', 'billing_periods.invoice_number')
    .select([
      'billing_periods.contract_id',
      'billing_periods.start_at',
      'billing_periods.end_at',
      'billing_periods.status',
      'billing_periods.hold_reason',
      'billing_periods.invoice_number',
      'invoices.currency',
      'invoices.total',
    ])
    .where('billing_periods.start_at', '>=', toIso(m.from))
    .where('billing_periods.start_at', '<', toIso(m.to))
    .execute();
  const invoices = new Map<string, Pick<BillView, 'currency' | 'total'>>();
  for (const r of rows)
    if (r.invoice_number !== null && r.currency !== null && r.total !== null)
      invoices.set(r.invoice_number, { currency: r.currency, total: r.total });
  const byKey = new Map<string, PeriodRecord>(
    rows.map((r) => [
      markKey(r.contract_id, Date.parse(r.start_at)),
      {
        start: Date.parse(r.start_at),
        end: Date.parse(r.end_at),
        status: r.status,
        holdReason: r.hold_reason,
        invoiceNumber: r.invoice_number,
      },
    ]),
  );

  const capStart = billViewCapStart(deps, now);
  const planned = contexts.flatMap((ctx) => {
    const plan = planOf(ctx, edgesOf(ctx.timezone), byKey, now, capStart);
    return plan === undefined ? [] : [{ ctx, plan }];
  });
  const unsettled = planned.filter(({ plan }) => plan.read !== undefined);
  const valued = new Map(
    (await valueBills(deps, m, now, unsettled)).map((mark) => [mark.contractId, mark]),
  );

  const bills = planned.map(({ ctx, plan }): Pick<BillView, 'status' | 'currency' | 'total'> => {
    if (billsNothing(plan)) return unbilledView(ctx, plan);
    const mark = valued.get(ctx.contractId);
    if (mark !== undefined)
      return { status: mark.status, currency: mark.currency, total: mark.range.p50 };
    const invoice = invoices.get(plan.invoiceNumber ?? '');
    if (invoice === undefined)
      throw new Error(
        `the invoice ${plan.invoiceNumber ?? '?'} of a settled period of ${ctx.contractId} is missing`,
      );
    return { status: 'settled', ...invoice };
  });
  return { month, items: groupBills(bills) };
}

/**
 * Bills counted and summed exactly per (status, currency), in docs/design.md §1 status order, then
 * by currency.
 */
export function groupBills(
  bills: readonly Pick<BillView, 'status' | 'currency' | 'total'>[],
): SummaryGroup[] {
  const groups = new Map<
    string,
    { status: BillStatus; currency: string; count: number; sum: Dec }
  >();
  for (const b of bills) {
    const key = `${b.status}\u0000${b.currency}`;
    const g = groups.get(key) ?? {
      status: b.status,
      currency: b.currency,
      count: 0,
      sum: new Dec(0),
    };
    g.count += 1;
    g.sum = g.sum.plus(new Dec(b.total));
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        BILL_STATUSES.indexOf(a.status) - BILL_STATUSES.indexOf(b.status) ||
        (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
    )
    .map((g) => ({
      status: g.status,
      currency: g.currency,
      count: g.count,
      total: fixed(g.sum, minorDigits(g.currency)),
    }));
}
