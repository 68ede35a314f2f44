import { describe, expect, it } from 'vitest';
import { Dec, fixed, minorDigits, mwhToKwh } from './decimal.js';

describe('fixed: half away from zero', () => {
  it.each([
    ['0.125', 2, '0.13'],
    ['-0.125', 2, '-0.13'], // half-even would give -0.12, half toward +∞ -0.12
    ['0.135', 2, '0.14'],
    ['-0.045', 2, '-0.05'],
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['0.1004999', 3, '0.100'],
    ['-0.004', 2, '0.00'], // no negative zero on a bill
    ['78.6139296', 2, '78.61'],
    ['20.0595', 3, '20.060'],
  ] as const)('%s to %i decimals is %s', (value, dp, want) => {
    expect(fixed(new Dec(value), dp)).toBe(want);
  });

  it('keeps exact products of long rates and quantities', () => {
    // 123456789012345123456789012 × 987654321 = 121932631124827983525376124487120852
    // (Python integers), with 12 + 4 decimals: 36 significant digits, exact at precision 60.
    expect(new Dec('123456789012345.123456789012').times('98765.4321').toFixed()).toBe(
      '12193263112482798352.5376124487120852',
    );
  });
});

describe('minorDigits', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['CHF', 2],
  ] as const)('%s has %i', (currency, digits) => {
    expect(minorDigits(currency)).toBe(digits);
  });
});

describe('mwhToKwh', () => {
  it('is exact', () => {
    expect(mwhToKwh(312_456_499n).toFixed()).toBe('312.456499');
    expect(mwhToKwh(1n).toFixed()).toBe('0.000001');
    expect(mwhToKwh(-1_500n).toFixed()).toBe('-0.0015');
  });
});
