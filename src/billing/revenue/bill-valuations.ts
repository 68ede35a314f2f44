import { priceBills, type BillViewDeps, type PlannedBill } from '../bill-view.js';
import { billRange } from './money-range.js';
import { receivedBy } from './received-by.js';
import { insertMarks, latestMarks, markKey, type RevenueMark } from './revenue-marks-repo.js';
import { MARK_REUSE_MS, type RevenueMonth } from './revenue-month.js';

/**
 * Bills priced and recorded per slice: a slice's bill views (lines, estimate) are dropped once its
 * marks are written.
 */
const VALUE_CHUNK = 500;

/**
 * The valuation of each of the month's unsettled bills as it stood at `at`: its latest mark of the
 * 15 minutes before, when it had the same status and period then; otherwise the bills are priced
 * now through the readings received by `at` (batched store reads, a slice at a time) and recorded
 * as marks at `at`. Marks are only ever added where none stood in the 15 minutes before, so the
 * valuation an instant was once answered with stays its valuation (docs/revenue.md). The state of
 * revenue and the billing summary both value a month's unsettled bills this way, so a fleet valued
 * recently is answered from the ledger and both give the same figures at the same instant.
 */
export async function valueBills(
  deps: BillViewDeps,
  m: RevenueMonth,
  at: number,
  bills: readonly PlannedBill[],
): Promise<RevenueMark[]> {
  const find = async () => {
    const marks = await latestMarks(deps.db, at - MARK_REUSE_MS, at, m.from, m.to);
    return bills.map(({ ctx, plan }) => {
      const mark = marks.get(markKey(ctx.contractId, plan.period.start));
      return mark !== undefined && mark.status === plan.status && mark.periodEnd === plan.period.end
        ? mark
        : undefined;
    });
  };
  const found = await find();
  const missing = bills.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return found as RevenueMark[];
  // A slice at a time, recorded as it is priced: only a slice's bill views are ever held, so a
  // fleet of any size is valued within the same memory.
  const fresh = new Map<string, RevenueMark>();
  let written = 0;
  for (let i = 0; i < missing.length; i += VALUE_CHUNK) {
    deps.signal?.throwIfAborted();
    const slice = missing.slice(i, i + VALUE_CHUNK);
    const priced = await priceBills(receivedBy(deps.store, at), slice, at);
    const taken = slice.map(({ ctx, plan }): RevenueMark => {
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
    written += await insertMarks(deps.db, taken, deps.clock.now());
    for (const mark of taken) fresh.set(markKey(mark.contractId, mark.periodStart), mark);
  }
  // What stands is what the ledger holds. When every mark taken was written, that is them; when
  // one was not, another process valued the same instant first, or the bill's status changed at
  // this very instant (a settlement run holding it) and the mark taken before the change no longer
  // matches it, which then takes the figures just priced. Only then is the month read again.
  const stood = written === missing.length ? found : await find();
  return stood.map((mark, i) => {
    const bill = bills[i]!;
    const taken = mark ?? fresh.get(markKey(bill.ctx.contractId, bill.plan.period.start));
    if (taken === undefined) throw new Error(`the valuation of ${bill.ctx.contractId} is missing`);
    return taken;
  });
}
