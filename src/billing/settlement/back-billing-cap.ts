import { DateTime } from 'luxon';
import { QUARTER_MS } from '../../consumption/edge-rule.js';
import type { TimeRange } from '../pricing/bill.js';

/**
 * The hold reason of a period that ended before the back-billing cap: it is never invoiced, and
 * staff see it in the periods list. A fixed code, not prose, because nothing can lift it: the cap
 * only moves forward.
 */
export const BACK_BILLING_CAP = 'back_billing_cap';

/**
 * Where the back-billing cap starts at `now` (docs/design.md §1): `months` calendar months before,
 * counted in UTC. Consumption before it is never invoiced, neither on a first invoice nor as an
 * adjustment; one function so that settling and adjusting can never disagree on the instant.
 */
export function backBillingCapStart(now: number, months: number): number {
  return DateTime.fromMillis(now, { zone: 'utc' }).minus({ months }).toMillis();
}

/**
 * What of `period` may still be billed when the cap starts at `capStart`: the whole period when it
 * starts at or after the cap; the part from the cap to the period end when it straddles it; nothing
 * (undefined) when it ended at or before the cap. Periods are priced by whole quarter hours, so the
 * part starts at the first quarter hour at or after `capStart`: a quarter hour that began before the
 * cap holds consumption older than the cap, and is not billed.
 */
export function billableRange(period: TimeRange, capStart: number): TimeRange | undefined {
  const from = Math.ceil(capStart / QUARTER_MS) * QUARTER_MS;
  if (period.end <= from) return undefined;
  return { start: Math.max(period.start, from), end: period.end };
}

/**
 * Where the cap cuts `period`: the start of its billable part when that lies inside the period;
 * undefined when the period is billed whole, or not at all.
 */
export function capCut(period: TimeRange, capStart: number): number | undefined {
  const range = billableRange(period, capStart);
  return range !== undefined && range.start > period.start ? range.start : undefined;
}
