import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { divRoundHalfUp } from '../../consumption/milli-wh.js';
import type { PricedInterval } from '../pricing/bill.js';
import { ONE, type Ratio } from './apportion.js';
import type { RecentProjection, SeasonalFactors } from './recent-projection.js';

/** `Σ values × quarters / count × factor`, rounded half away from zero, split evenly. */
function spread(sum: bigint, count: number, quarters: number, factor: Ratio): bigint[] {
  const n = BigInt(quarters);
  const total = divRoundHalfUp(sum * n * factor.num, BigInt(count) * factor.den);
  const each = n === 0n ? 0n : total / n;
  const left = n === 0n ? 0n : total % n;
  return Array.from({ length: quarters }, (_, i) => each + (BigInt(i) < left ? 1n : 0n));
}

/**
 * The estimate's projection under `month` consent (kind `month-average`, or `month-seasonal`): the average import and
 * export power of the last whole local month before the projection, spread evenly over the quarter
 * hours of `[start, end)`, scaled by the seasonal factors when last year is known. Only that
 * month's totals (over the intervals its readings cover) are used, never its shape: under `month`
 * consent the bill may rest on whole months only, and a shape would carry the curve inside the
 * month into the band mix. Exact: `Σ baseline × quarters / baseline quarters × factor`, rounded
 * half away from zero to the milli-Wh, then split evenly, earlier quarters taking the remainder.
 * Export is projected when the month has export data. Without any baseline interval, nothing is
 * projected (kind `none`).
 */
export function monthProjection(
  baseline: readonly PricedInterval[],
  start: number,
  end: number,
  seasonal?: SeasonalFactors,
): RecentProjection {
  if (baseline.length === 0)
    return { intervals: [], projectedImportMwh: 0n, projectedExportMwh: 0n, kind: 'none' };
  const quarters = Math.max(0, Math.ceil((end - start) / QUARTER_MS));
  const imports = spread(
    baseline.reduce((a, i) => a + i.importMwh, 0n),
    baseline.length,
    quarters,
    seasonal?.importFactor ?? ONE,
  );
  const withExport = baseline.filter((i) => i.exportMwh !== null);
  const exports =
    withExport.length === 0
      ? undefined
      : spread(
          withExport.reduce((a, i) => a + (i.exportMwh ?? 0n), 0n),
          withExport.length,
          quarters,
          seasonal?.exportFactor ?? ONE,
        );
  return {
    intervals: imports.map((importMwh, i) => ({
      start: start + i * QUARTER_MS,
      importMwh,
      exportMwh: exports === undefined ? null : (exports[i] ?? 0n),
    })),
    projectedImportMwh: imports.reduce((a, v) => a + v, 0n),
    projectedExportMwh: exports?.reduce((a, v) => a + v, 0n) ?? 0n,
    kind: seasonal === undefined ? 'month-average' : 'month-seasonal',
  };
}
