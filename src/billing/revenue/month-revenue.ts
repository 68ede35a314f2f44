import { AppError } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';
import type { BillViewDeps, PlannedBill } from '../bill-view.js';
import { Dec, fixed, minorDigits } from '../pricing/decimal.js';
import { loadBillingContexts, type BillingContext } from '../records/billing-context.js';
import { valueBills } from './bill-valuations.js';
import { sumOfRanges, type MoneyRange } from './money-range.js';
import { periodAt } from './plan-at.js';
import { monthLedger } from './revenue-ledger.js';
import { markKey, type RevenueMark } from './revenue-marks-repo.js';
import { monthEdges, revenueMonth } from './revenue-month.js';
import { settledMoney } from './settled-money.js';

/** The state of one currency's revenue of a month (decimal strings, the currency's minor digits). */
export interface CurrencyRevenue {
  readonly currency: string;
  readonly settled: string;
  readonly provisional: string;
  readonly held: string;
  readonly estimated: MoneyRange;
  readonly adjustmentsPending: string;
}

/** `GET /v1/billing/revenue`: what a month brings in, and how much of it is known. */
export interface MonthRevenue {
  readonly month: string;
  readonly asOf: number;
  /** By currency code. */
  readonly currencies: readonly CurrencyRevenue[];
}

/**
 * The state of a month's revenue as it stood at `asOf` (default now), per currency: `settled`
 * (invoiced by `asOf`), `provisional` and `held` (ended periods not settled, at their measured
 * bill), `estimated` (open periods, a range) and `adjustmentsPending`. Which contracts, periods and
 * statuses count is what the ledger said at `asOf`; each unsettled bill is valued from the readings
 * received by then, or by its valuation of the 15 minutes before, recorded once taken (a revenue
 * mark): asking about an instant again gives the answer it gave, and a fleet of thousands valued
 * recently is answered from a few set queries. Contracts whose period overlaps the local month in
 * their own zone count, as in the billing summary.
 *
 * @throws AppError `validation_failed` for a month not written YYYY-MM or an `asOf` in the future;
 *   `store_unavailable` when bills must be priced and the store fails.
 */
export async function monthRevenue(
  deps: BillViewDeps,
  month: string,
  asOf?: number,
): Promise<MonthRevenue> {
  const m = revenueMonth(month);
  const now = deps.clock.now();
  const at = asOf ?? now;
  if (at > now)
    throw new AppError(
      'validation_failed',
      `asOf: ${toRfc3339(at)} is in the future; revenue is known up to now (${toRfc3339(now)})`,
    );
  const [contexts, ledger, money] = await Promise.all([
    loadBillingContexts(deps.db),
    monthLedger(deps.db, m, at),
    settledMoney(deps.db, m, at),
  ]);

  const edgesOf = monthEdges(m);
  const bills: PlannedBill[] = [];
  for (const ctx of contexts.values()) {
    if (ledger.contractsAfter.has(ctx.contractId)) continue;
    const { start: monthStart, end: monthEnd } = edgesOf(ctx.timezone);
    const row = ledger.rows.get(markKey(ctx.contractId, Math.max(monthStart, ctx.startsAt)));
    const then: BillingContext = {
      ...ctx,
      meterIds: ctx.meterIds.filter((id) => !ledger.metersAfter.has(id)),
    };
    const state = periodAt(
      then,
      monthStart,
      monthEnd,
      row,
      at,
      at,
      ledger.moveOutsAfter.get(ctx.contractId),
    );
    if (state?.kind === 'unsettled') bills.push({ ctx: then, plan: state.plan });
  }
  const unsettled = await valueBills(deps, m, at, bills);

  const currencies = new Set([
    ...money.settled.keys(),
    ...money.adjustmentsPending.keys(),
    ...unsettled.map((x) => x.currency),
  ]);
  return {
    month,
    asOf: at,
    currencies: [...currencies].sort().map((currency) => {
      const digits = minorDigits(currency);
      const mine = unsettled.filter((x) => x.currency === currency);
      const total = (status: RevenueMark['status']) =>
        fixed(
          mine.filter((x) => x.status === status).reduce((s, x) => s.plus(x.range.p50), new Dec(0)),
          digits,
        );
      return {
        currency,
        settled: fixed(money.settled.get(currency) ?? new Dec(0), digits),
        provisional: total('provisional'),
        held: total('held'),
        estimated: sumOfRanges(
          mine.filter((x) => x.status === 'estimated').map((x) => x.range),
          currency,
        ),
        adjustmentsPending: fixed(money.adjustmentsPending.get(currency) ?? new Dec(0), digits),
      };
    }),
  };
}
