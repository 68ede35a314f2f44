import { describe, expect, it } from 'vitest';
import { monthProjection } from './month-projection.js';

const Q = 900_000;
const at = (i: number, importMwh: bigint) => ({ start: i * Q, importMwh, exportMwh: null });

describe('monthProjection', () => {
  it('spreads the average of the baseline evenly, exactly, earlier quarters taking the remainder', () => {
    // 3 intervals of 10, 20 and 41 milli-Wh: 71/3 per quarter, 4 quarters: 94.67 → 95.
    const p = monthProjection([at(0, 10n), at(1, 20n), at(2, 41n)], 100 * Q, 104 * Q);
    expect(p.kind).toBe('month-average');
    expect(p.projectedImportMwh).toBe(95n);
    expect(p.intervals.map((i) => i.importMwh)).toEqual([24n, 24n, 24n, 23n]);
    expect(p.intervals.map((i) => i.start)).toEqual([100 * Q, 101 * Q, 102 * Q, 103 * Q]);
  });

  it('ignores the shape of the month: the same total gives the same projection', () => {
    const a = monthProjection([at(0, 0n), at(1, 90n)], 10 * Q, 13 * Q);
    const b = monthProjection([at(0, 45n), at(1, 45n)], 10 * Q, 13 * Q);
    expect(a).toEqual(b);
  });

  it('projects nothing without a baseline', () => {
    expect(monthProjection([], 0, 4 * Q)).toEqual({
      intervals: [],
      projectedImportMwh: 0n,
      projectedExportMwh: 0n,
      kind: 'none',
    });
  });
});
