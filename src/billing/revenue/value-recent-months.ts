import type { BillViewDeps } from '../bill-view.js';
import { monthRevenue } from './month-revenue.js';
import { pruneRevenueMarks } from './revenue-marks-repo.js';

/**
 * How long every valuation is kept: a question about any instant of the last week is answered as it
 * was; before that, those of UTC midnights are kept (`pruneRevenueMarks`).
 */
export const MARKS_KEPT_MS = 7 * 86_400_000;

/** `YYYY-MM` of the UTC month `back` months before the one containing `ms`. */
function utcMonth(ms: number, back: number): string {
  const d = new Date(ms);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Value the unsettled bills of the current and the previous month now, recording the valuations, so
 * that every question about the state of revenue in the next 15 minutes is answered from the ledger
 * alone: what a schedule runs (after settlement, whose runs it follows) to keep the state of revenue
 * fast for any fleet. The previous month holds the periods still provisional or held; in zones
 * behind UTC the current local month may still be the previous UTC one. Then thins the marks older
 * than a week, which the valuations of every 15 minutes would otherwise pile up. Answers the months
 * valued.
 */
export async function valueRecentMonths(deps: BillViewDeps): Promise<string[]> {
  const now = deps.clock.now();
  const months = [utcMonth(now, 1), utcMonth(now, 0)];
  for (const month of months) await monthRevenue(deps, month, now);
  await pruneRevenueMarks(deps.db, now - MARKS_KEPT_MS);
  return months;
}
