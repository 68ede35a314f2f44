import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { indexAt, indexWalker, interpolateMwh, registerSeries } from './meter-index.js';
import { divRoundHalfUp, formatMilliWh, milliWhToWh, whToMilliWh } from './milli-wh.js';
import { sortedReadings } from './sorted-readings.js';

const r = (ts: number, importWh: number, exportWh?: number, receivedAt = 0): Reading => ({
  meterId: 'm',
  ts,
  importWh,
  exportWh,
  receivedAt,
});

describe('milli-Wh arithmetic', () => {
  it.each([
    [7n, 2n, 4n],
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 3n, 1n],
    [-4n, 3n, -1n],
    [2n, 3n, 1n],
    [-2n, 3n, -1n],
    [1n, 3n, 0n],
    [0n, 9n, 0n],
    [6n, 3n, 2n],
  ])('%s / %s rounds half away from zero to %s', (num, den, q) => {
    expect(divRoundHalfUp(num, den)).toBe(q);
  });

  it.each([
    [1_234_567n, '1234.567', 1234.567],
    [5n, '0.005', 0.005],
    [300n, '0.300', 0.3],
    [-1_500n, '-1.500', -1.5],
    [0n, '0.000', 0],
    [-0n, '0.000', 0],
    [123_456_789_012_345n, '123456789012.345', 123456789012.345],
  ])('%s mWh is %s Wh', (mwh, text, wh) => {
    expect(formatMilliWh(mwh)).toBe(text);
    expect(milliWhToWh(mwh)).toBe(wh);
  });

  it('gives the double of the exact decimal text, below and beyond 2^53 milli-Wh', () => {
    // A seeded walk over magnitudes 0..2^63: the division path must agree with parsing the text
    // everywhere.
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const edge = BigInt(Number.MAX_SAFE_INTEGER);
    const values = [edge, edge + 1n, -edge, -edge - 1n, edge - 1n, 10n ** 18n + 1n];
    for (let i = 0; i < 20_000; i++) {
      const bits = BigInt(next() % 64);
      const v = (BigInt(next()) * 2n ** 31n + BigInt(next())) % (2n ** bits + 1n);
      values.push(next() % 3 === 0 ? -v : v);
    }
    for (const v of values) expect(milliWhToWh(v)).toBe(Number(formatMilliWh(v)) || 0);
  });

  it('has no negative zero', () => {
    expect(Object.is(milliWhToWh(0n), 0)).toBe(true);
  });

  it('reads registers as exact milli-Wh', () => {
    expect(whToMilliWh(1234567)).toBe(1_234_567_000n);
    expect(whToMilliWh(Number.MAX_SAFE_INTEGER)).toBe(9_007_199_254_740_991_000n);
    expect(whToMilliWh(1.0005)).toBe(1001n);
    expect(() => whToMilliWh(Number.NaN)).toThrow(RangeError);
  });
});

describe('interpolateMwh', () => {
  it.each([
    // a, b, ta, tb, t, expected: a + (b - a)(t - ta)/(tb - ta) in mWh, half away from zero
    { a: 0n, b: 1000n, ta: 0, tb: 3, t: 1, want: 333n }, // 333.33
    { a: 0n, b: 1000n, ta: 0, tb: 3, t: 2, want: 667n }, // 666.67
    { a: 0n, b: 1n, ta: 0, tb: 2, t: 1, want: 1n }, // 0.5 rounds up
    { a: 10n, b: 11n, ta: 0, tb: 2, t: 1, want: 11n }, // 10.5
    { a: 1n, b: 0n, ta: 0, tb: 2, t: 1, want: 0n }, // 0.5 step down rounds away from zero: 1 - 1
    { a: 5_000n, b: 5_000n, ta: 0, tb: 7, t: 3, want: 5_000n },
    { a: 10_000_000n, b: 10_060_000n, ta: 0, tb: 3_600_000, t: 900_000, want: 10_015_000n },
  ])('$a → $b at $t of [$ta, $tb] is $want', ({ a, b, ta, tb, t, want }) => {
    expect(interpolateMwh(a, b, ta, tb, t)).toBe(want);
  });

  it('stays exact for huge registers and long spans', () => {
    // 9e15 mWh register, one year apart, at a third of the way: 9e15 + 3e15/3 exactly.
    const year = 365 * 86_400_000;
    expect(interpolateMwh(9_000_000_000_000_000n, 12_000_000_000_000_000n, 0, 3 * year, year)).toBe(
      10_000_000_000_000_000n,
    );
  });
});

describe('indexAt', () => {
  const H = 3_600_000;
  const series = registerSeries([
    r(0, 100, 10),
    r(2 * H, 300, 10),
    r(3 * H, 301),
    r(5 * H, 311, 40),
    r(6 * H, 400, 50),
  ]);

  it.each([
    { t: -1, want: undefined }, // before the first reading
    { t: 6 * H + 1, want: undefined }, // after the last
    { t: 0, want: { importMwh: 100_000n, exportMwh: 10_000n } }, // on a reading
    { t: H, want: { importMwh: 200_000n, exportMwh: 10_000n } },
    { t: H / 3, want: { importMwh: 133_333n, exportMwh: 10_000n } }, // 100 + 200/6 = 133.333
    { t: 2.5 * H, want: { importMwh: 300_500n, exportMwh: undefined } }, // export missing at 3 h
    { t: 3 * H, want: { importMwh: 301_000n, exportMwh: undefined } },
    { t: 4 * H, want: { importMwh: 306_000n, exportMwh: undefined } },
    // a reading with export, neighbours aside
    { t: 5 * H, want: { importMwh: 311_000n, exportMwh: 40_000n } },
    { t: 5.5 * H, want: { importMwh: 355_500n, exportMwh: 45_000n } },
    { t: 6 * H, want: { importMwh: 400_000n, exportMwh: 50_000n } },
  ])('at $t', ({ t, want }) => {
    expect(indexAt(series, t)).toEqual(want);
  });

  it('walks forward to the same answers, and copes with a step back', () => {
    const walk = indexWalker(series);
    const instants = [-5, 0, 1, H / 3, H, 2 * H, 2.5 * H, 3 * H, 4 * H, 5.5 * H, 6 * H, 7 * H];
    for (const t of instants) expect(walk(t)).toEqual(indexAt(series, t));
    expect(walk(H)).toEqual(indexAt(series, H));
  });

  it('has nothing without readings', () => {
    expect(indexAt(registerSeries([]), 0)).toBeUndefined();
  });
});

describe('sortedReadings', () => {
  it('sorts out-of-order arrivals and keeps the latest received of a duplicate', () => {
    const out = sortedReadings([
      r(30, 3),
      r(10, 1),
      r(20, 2, undefined, 1),
      r(20, 2, 5, 9),
      r(20, 2, undefined, 3),
    ]);
    expect(out.map((x) => [x.ts, x.receivedAt])).toEqual([
      [10, 0],
      [20, 9],
      [30, 0],
    ]);
  });

  it('returns sorted input as it is, without copying it', () => {
    const input = [r(1, 1), r(2, 2)];
    expect(sortedReadings(input)).toBe(input);
  });
});
