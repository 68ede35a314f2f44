import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kwhToWh, powerW, registerWh, whToWh } from './decimal-units.js';

/** kWh text to Wh by integer arithmetic on its digits: the reference the property checks against. */
function referenceWh(whole: bigint, fraction: string): bigint {
  const digits = fraction.padEnd(6, '0'); // micro-kWh = milli-Wh
  const milliWh = whole * 1_000_000n + BigInt(digits);
  // Half away from zero; every value here is non-negative.
  return (milliWh + 500n) / 1000n;
}

describe('decimal units', () => {
  it('converts the documented example on its digits, not in binary floating point', () => {
    expect(128.0245 * 1000).toBe(128024.49999999999);
    expect(kwhToWh(128.0245)).toBe(128025);
    expect(kwhToWh('128.0245')).toBe(128025);
    expect(kwhToWh(0.0005)).toBe(1);
    expect(kwhToWh(0.0004999)).toBe(0);
    expect(whToWh(1234.5)).toBe(1235);
    expect(whToWh('0.49')).toBe(0);
  });

  it('converts any decimal kWh text with up to 6 decimals exactly, as text and as a JSON number', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 999_999_999n }),
        fc.stringMatching(/^[0-9]{0,6}$/),
        (whole, fraction) => {
          const text = fraction === '' ? `${whole}` : `${whole}.${fraction}`;
          const want = Number(referenceWh(whole, fraction));
          expect(kwhToWh(text)).toBe(want);
          // A device's JSON number reaches us as a double; at most 15 significant digits here, so
          // its shortest text is the device's own digits.
          expect(kwhToWh(JSON.parse(text))).toBe(want);
        },
      ),
      { numRuns: 2000, seed: 20261206 },
    );
  });

  it('refuses what is not a finite non-negative decimal register', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '12,5',
      '',
      '1e',
      null,
      {},
      [],
      true,
      '0x10',
    ])
      expect(registerWh(bad, 'kWh')).toBeUndefined();
    expect(registerWh(-1, 'Wh')).toBeUndefined();
    expect(registerWh('1e400', 'Wh')).toBeUndefined();
    expect(registerWh(9.1e15, 'kWh')).toBeUndefined();
    expect(registerWh('1.5e3', 'kWh')).toBe(1_500_000);
  });

  it('reads power in W or kW', () => {
    expect(powerW('0.850', 'kW')).toBe(850);
    expect(powerW(-1.25, 'W')).toBe(-1.25);
    expect(powerW('abc', 'W')).toBeUndefined();
  });
});

describe('decimal units on plain digits', () => {
  /** The scaling through Decimal alone, as first written: the digit path must agree with it. */
  const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
  const reference = (text: string, shift: 0 | 3): number | undefined => {
    const scaled = new Dec(text).times(shift === 3 ? 1000 : 1).toDecimalPlaces(0);
    return scaled.abs().greaterThan(Number.MAX_SAFE_INTEGER) ? undefined : scaled.toNumber();
  };

  it('scales every plain decimal text exactly as Decimal does, signs and zeros included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^[0-9]{0,18}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,8}$/), { nil: undefined }),
        (sign, whole, fraction) => {
          const text = `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`;
          if (!/\d/.test(text)) return;
          expect(Object.is(kwhToWh(text), reference(text, 3)), `${text} kWh`).toBe(true);
          expect(Object.is(whToWh(text), reference(text, 0)), `${text} Wh`).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 20261206 },
    );
    for (const text of ['-0.0004', '-0.0005', '0.0005', '.5', '5.', '-.5', '999999999999.9995'])
      for (const shift of [0, 3] as const)
        expect(
          Object.is((shift === 3 ? kwhToWh : whToWh)(text), reference(text, shift)),
          text,
        ).toBe(true);
  });
});
