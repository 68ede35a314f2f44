import { describe, expect, it } from 'vitest';
import { billRange, sumOfRanges } from './money-range.js';

const r = (p10: string, p50: string, p90: string) => ({ p10, p50, p90 });

describe('sumOfRanges', () => {
  it.each([
    ['nothing', [], r('0.00', '0.00', '0.00')],
    [
      'one bill is its own range',
      [r('118.00', '130.00', '142.00')],
      r('118.00', '130.00', '142.00'),
    ],
    [
      'points add exactly',
      [r('10.01', '10.01', '10.01'), r('0.02', '0.02', '0.02')],
      r('10.03', '10.03', '10.03'),
    ],
    // Bills that move together: their deviations add, 3 and 4 make 7.
    [
      'deviations add',
      [r('97', '100', '103'), r('46', '50', '54')],
      r('143.00', '150.00', '157.00'),
    ],
    [
      'skew is kept side by side',
      [r('100', '100', '130'), r('50', '50', '90')],
      r('150.00', '150.00', '220.00'),
    ],
    [
      'negative bills (net exporters) add too',
      [r('-30', '-20', '-10'), r('10', '20', '30')],
      r('-20.00', '0.00', '20.00'),
    ],
    [
      'rounded to the minor unit once, at the end',
      [r('0.004', '0.004', '0.004'), r('0.004', '0.004', '0.004')],
      r('0.01', '0.01', '0.01'),
    ],
  ])('%s', (_name, ranges, want) => {
    expect(sumOfRanges(ranges, 'EUR')).toEqual(want);
  });

  it("rounds to the currency's own minor digits", () => {
    expect(sumOfRanges([r('1000', '1200', '1500')], 'JPY')).toEqual(r('1000', '1200', '1500'));
    expect(sumOfRanges([r('1', '2', '3')], 'KWD')).toEqual(r('1.000', '2.000', '3.000'));
  });

  it('refuses a range out of order', () => {
    expect(() => sumOfRanges([r('10', '5', '20')], 'EUR')).toThrow(RangeError);
  });

  it('keeps p10 <= p50 <= p90 and p50 the exact sum of the p50s whatever the bills', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 200;
    for (let n = 0; n < 50; n += 1) {
      const ranges = Array.from({ length: 1 + (n % 7) }, () => {
        const mid = next() - 50;
        return r((mid - next() / 4).toFixed(2), mid.toFixed(2), (mid + next() / 4).toFixed(2));
      });
      const sum = sumOfRanges(ranges, 'EUR');
      const p50s = ranges.reduce((s, x) => s + Math.round(Number(x.p50) * 100), 0);
      expect(Math.round(Number(sum.p50) * 100)).toBe(p50s);
      expect(Number(sum.p10)).toBeLessThanOrEqual(Number(sum.p50));
      expect(Number(sum.p50)).toBeLessThanOrEqual(Number(sum.p90));
    }
  });
});

describe('billRange', () => {
  it("an estimate's own range, or a measured bill's total at every quantile", () => {
    expect(billRange({ total: '130.00', estimate: r('118.00', '130.00', '142.00') })).toEqual(
      r('118.00', '130.00', '142.00'),
    );
    expect(billRange({ total: '48.27' })).toEqual(r('48.27', '48.27', '48.27'));
  });
});
