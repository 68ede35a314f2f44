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
 * The range of a sum of bills whose outcomes are independent of one another. Quantiles do not add:
 * the sum of a thousand p90s is a figure the fleet almost never reaches, since the bills that come
 * out high are offset by those that come out low. Each side of each bill's range is read as a
 * multiple of a spread (p90 − p50 is 1.28 σ for a normal outcome, and the same multiple for any
 * spread), spreads of independent outcomes add in quadrature, and the sum of many independent bills
 * is close to normal whatever each one's shape: so the sum's p50 is the sum of the p50s, its p10
 * lies `√Σ(p50ᵢ − p10ᵢ)²` below it and its p90 `√Σ(p90ᵢ − p50ᵢ)²` above. Each side is taken on
 * its own, so a skewed bill keeps its skew. Exact decimal until the final rounding to `currency`'s
 * minor digits (half away from zero); the square root is correctly rounded to 60 digits.
 */
export function sumOfIndependent(ranges: readonly MoneyRange[], currency: string): MoneyRange {
  let p50 = new Dec(0);
  let below = new Dec(0);
  let above = new Dec(0);
  for (const r of ranges) {
    const mid = new Dec(r.p50);
    const down = mid.minus(r.p10);
    const up = new Dec(r.p90).minus(mid);
    if (down.isNegative() || up.isNegative())
      throw new RangeError(`a range must have p10 <= p50 <= p90, got ${JSON.stringify(r)}`);
    p50 = p50.plus(mid);
    below = below.plus(down.times(down));
    above = above.plus(up.times(up));
  }
  const digits = minorDigits(currency);
  return {
    p10: fixed(p50.minus(below.sqrt()), digits),
    p50: fixed(p50, digits),
    p90: fixed(p50.plus(above.sqrt()), digits),
  };
}
