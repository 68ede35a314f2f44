import type { BillView } from '../bill-status.js';
import { Dec, fixed, minorDigits } from '../pricing/decimal.js';

/**
 * A money figure that is not known yet, as a range: 10 % of outcomes lie below `p10`, 10 % above
 * `p90`, and `p50` is the most likely one. Decimal strings with the currency's minor digits.
 */
export interface MoneyRange {
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}

/**
 * The range of one bill. An estimated bill carries its own range once the estimate states one; a
 * bill that states none (a measured one, or an estimate without a range) is a point: its total at
 * every quantile, so that it adds nothing to the width of a sum.
 */
export function billRange(bill: Pick<BillView, 'total'> & { readonly estimate?: MoneyRange }) {
  return bill.estimate ?? { p10: bill.total, p50: bill.total, p90: bill.total };
}

/**
 * The range of a sum of bills that move together. Households share the weather and the season, so
 * their bills come out high or low together: measured on the estimate benchmark, the fleet's total
 * fell within the bills' ranges summed as independent (deviations in quadrature) in only 6 of 16
 * (month, stage) cases, and within the ranges summed linearly in all 16 (docs/estimates.md). So the
 * sum's p10 is the sum of the p10s, its p50 the sum of the p50s (the estimated total of the billing
 * summary) and its p90 the sum of the p90s: wide, and honest about it. Exact decimal, rounded once
 * to `currency`'s minor digits (half away from zero).
 */
export function sumOfRanges(ranges: readonly MoneyRange[], currency: string): MoneyRange {
  let p10 = new Dec(0);
  let p50 = new Dec(0);
  let p90 = new Dec(0);
  for (const r of ranges) {
    const [low, mid, high] = [new Dec(r.p10), new Dec(r.p50), new Dec(r.p90)];
    if (low.greaterThan(mid) || mid.greaterThan(high))
      throw new RangeError(`a range must have p10 <= p50 <= p90, got ${JSON.stringify(r)}`);
    p10 = p10.plus(low);
    p50 = p50.plus(mid);
    p90 = p90.plus(high);
  }
  const digits = minorDigits(currency);
  return { p10: fixed(p10, digits), p50: fixed(p50, digits), p90: fixed(p90, digits) };
}
