import { calendarRule } from '../../consumption/calendar-edges.js';
import type { EdgeRule } from '../../consumption/edge-rule.js';
import { AppError } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';
import { priceBills, type BillViewDeps, type PlannedBill } from '../bill-view.js';
import { Dec, fixed, minorDigits } from '../pricing/decimal.js';
import { loadBillingContexts, type BillingContext } from '../records/billing-context.js';
import { billRange, sumOfIndependent, type MoneyRange } from './money-range.js';
import { periodAt } from './plan-at.js';
import { receivedBy } from './received-by.js';
import { monthLedger } from './revenue-ledger.js';
import { insertMarks, markKey, marksAt, type RevenueMark } from './revenue-marks-repo.js';
import { hourOf, revenueMonth, type RevenueMonth } from './revenue-month.js';
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
 * The marks of the month's unsettled bills at hour `at`, taking the missing ones: the bills are
 * priced through the readings received by `at` (one batched store read for all of them) and their
 * marks written, so the next question about that hour is answered from the ledger alone.
 */
async function marksOf(
  deps: BillViewDeps,
  m: RevenueMonth,
  at: number,
  bills: readonly PlannedBill[],
): Promise<Map<string, RevenueMark>> {
  const marks = await marksAt(deps.db, at, m.from, m.to);
  const missing = bills.filter((b) => !marks.has(markKey(b.ctx.contractId, b.plan.period.start)));
  if (missing.length === 0) return marks;
  const priced = await priceBills(receivedBy(deps.store, at), missing, at);
  const taken: RevenueMark[] = missing.map(({ ctx, plan }) => {
    const view = priced.get(ctx.contractId);
    if (view === undefined || plan.status === 'settled')
      throw new Error(`the bill of ${ctx.contractId} was not priced`);
    return {
      contractId: ctx.contractId,
      periodStart: plan.period.start,
      periodEnd: plan.period.end,
      markedAt: at,
      status: plan.status,
      currency: view.currency,
      range: billRange(view),
    };
  });
  await insertMarks(deps.db, taken, deps.clock.now());
  // What stands is what the ledger holds: another process may have written the same hour first.
  return marksAt(deps.db, at, m.from, m.to);
}

/**
 * The state of a month's revenue as it stood at `asOf` (default now), per currency: `settled`
 * (invoiced by `asOf`), `provisional` and `held` (ended periods not settled, at their measured
 * bill), `estimated` (open periods, a range) and `adjustmentsPending`. Invoices and adjustments
 * count to the instant; unsettled bills are valued as they stood at the whole UTC hour before
 * `asOf`, from the readings received by then, and that valuation is recorded once taken (a revenue
 * mark), so the answer for any instant stays what it was and a fleet of thousands is answered from
 * a few set queries. Contracts whose period overlaps the local month in their own zone count, as in
 * the billing summary.
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
  const when = asOf ?? now;
  if (when > now)
    throw new AppError(
      'validation_failed',
      `asOf: ${toRfc3339(when)} is in the future; revenue is known up to now (${toRfc3339(now)})`,
    );
  const at = hourOf(when);
  const [contexts, ledger, money] = await Promise.all([
    loadBillingContexts(deps.db),
    monthLedger(deps.db, m, at),
    settledMoney(deps.db, m, when),
  ]);

  const rules = new Map<string, EdgeRule>();
  const ruleOf = (tz: string) => rules.get(tz) ?? rules.set(tz, calendarRule('month', tz)).get(tz)!;
  const bills: PlannedBill[] = [];
  for (const ctx of contexts.values()) {
    if (ledger.contractsAfter.has(ctx.contractId)) continue;
    const rule = ruleOf(ctx.timezone);
    const monthStart = rule.floor(m.mid);
    const monthEnd = rule.next(monthStart);
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
      when,
      ledger.moveOutsAfter.get(ctx.contractId),
    );
    if (state?.kind === 'unsettled') bills.push({ ctx: then, plan: state.plan });
  }
  const marks = await marksOf(deps, m, at, bills);

  const currencies = new Set([...money.settled.keys(), ...money.adjustmentsPending.keys()]);
  const unsettled = bills.flatMap(({ ctx, plan }) => {
    const mark = marks.get(markKey(ctx.contractId, plan.period.start));
    if (mark === undefined) throw new Error(`the mark of ${ctx.contractId} is missing`);
    currencies.add(mark.currency);
    return [mark];
  });
  return {
    month,
    asOf: when,
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
        estimated: sumOfIndependent(
          mine.filter((x) => x.status === 'estimated').map((x) => x.range),
          currency,
        ),
        adjustmentsPending: fixed(money.adjustmentsPending.get(currency) ?? new Dec(0), digits),
      };
    }),
  };
}
