import type { BillViewDeps } from '../bill-view.js';
import { monthRevenue } from './month-revenue.js';

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
 * behind UTC the current local month may still be the previous UTC one. Answers the months valued.
 */
export async function valueRecentMonths(deps: BillViewDeps): Promise<string[]> {
  const now = deps.clock.now();
  const months = [utcMonth(now, 1), utcMonth(now, 0)];
  for (const month of months) await monthRevenue(deps, month, now);
  return months;
}
