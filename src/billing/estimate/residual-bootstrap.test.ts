import { describe, expect, it } from 'vitest';
import { bootstrapRange, dailyResiduals, type Residual } from './residual-bootstrap.js';

const day = (start: number, weekend: boolean, importKwh: number, exportKwh: number | null) => ({
  start,
  weekend,
  quarters: 96,
  importMwh: BigInt(importKwh * 1_000_000),
  exportMwh: exportKwh === null ? null : BigInt(exportKwh * 1_000_000),
});
const input = (residuals: readonly Residual[], remainingDays = 15) => ({
  residuals,
  levelDays: 14,
  remainingDays,
  importValue: 0.26,
  exportValue: 0.05,
});

describe('dailyResiduals', () => {
  it('takes each day less the mean of its kind of day', () => {
    const r = dailyResiduals([
      day(0, false, 10, null),
      day(1, false, 14, null),
      day(2, true, 20, 2),
      day(3, true, 30, 4),
    ]);
    expect(r).toEqual([
      { importKwh: -2, exportKwh: 0 },
      { importKwh: 2, exportKwh: 0 },
      { importKwh: -5, exportKwh: -1 },
      { importKwh: 5, exportKwh: 1 },
    ]);
  });
});

describe('bootstrapRange', () => {
  it('gives no spread for a household whose days never vary', () => {
    const flat = Array.from({ length: 28 }, () => ({ importKwh: 0, exportKwh: 0 }));
    expect(bootstrapRange(input(flat))).toEqual({
      low: { importKwh: 0, exportKwh: 0 },
      high: { importKwh: 0, exportKwh: 0 },
    });
  });

  it('widens with the volatility of the days, and with the days left', () => {
    // -a, 0, +a, -a, 0, +a, ...: the same pattern at two amplitudes.
    const swing = (a: number) =>
      Array.from({ length: 28 }, (_, k) => ({ importKwh: a * ((k % 3) - 1), exportKwh: 0 }));
    const width = (r: ReturnType<typeof bootstrapRange>) => r.high.importKwh - r.low.importKwh;
    const calm = bootstrapRange(input(swing(1)));
    const volatile = bootstrapRange(input(swing(5)));
    expect(calm.low.importKwh).toBeLessThan(0);
    expect(calm.high.importKwh).toBeGreaterThan(0);
    expect(width(volatile)).toBeCloseTo(5 * width(calm), 6);
    expect(width(bootstrapRange(input(swing(1), 3)))).toBeLessThan(width(calm));
  });

  it('ranks scenarios by money: a sunny scenario (less import, more export) is the low end', () => {
    // Import and export move against each other, as they do under a sunny or a cloudy sky.
    const sky = Array.from({ length: 28 }, (_, i) => {
      const x = Math.sin(i * 1.7) * 3;
      return { importKwh: -x, exportKwh: 2 * x };
    });
    const r = bootstrapRange(input(sky));
    expect(r.low.importKwh).toBeLessThan(0);
    expect(r.low.exportKwh).toBeGreaterThan(0);
    expect(r.high.importKwh).toBeGreaterThan(0);
    expect(r.high.exportKwh).toBeLessThan(0);
  });

  it('is deterministic and has nothing to say without residuals or days left', () => {
    const xs = Array.from({ length: 20 }, (_, i) => ({ importKwh: (i * 7) % 5, exportKwh: 0 }));
    expect(bootstrapRange(input(xs))).toEqual(bootstrapRange(input(xs)));
    const zero = { importKwh: 0, exportKwh: 0 };
    expect(bootstrapRange(input([]))).toEqual({ low: zero, high: zero });
    expect(bootstrapRange(input(xs, 0))).toEqual({ low: zero, high: zero });
  });
});
