import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { divRoundHalfUp } from '../../consumption/milli-wh.js';
import type { PricedInterval } from '../pricing/bill.js';
import type { Projection } from './projection.js';

/**
 * The estimate's projection under `month` consent (method `baseline-month`): the average import
 * power of the last whole local month before the projection, spread evenly over the quarter hours
 * of `[start, end)`. Only that month's total (over the intervals its readings cover) is used, never
 * its shape: under `month` consent the bill may rest on whole months only, and a shape would carry
 * the curve inside the month into the band mix. Exact: `Σ baseline × quarters / baseline quarters`,
 * rounded half away from zero to the milli-Wh, then split evenly, earlier quarters taking the
 * remainder. Without any baseline interval, nothing is projected (method `none`).
 */
export function monthProjection(
  baseline: readonly PricedInterval[],
  start: number,
  end: number,
): Projection {
  if (baseline.length === 0) return { intervals: [], projectedImportMwh: 0n, method: 'none' };
  const sum = baseline.reduce((a, i) => a + i.importMwh, 0n);
  const starts: number[] = [];
  for (let t = start; t < end; t += QUARTER_MS) starts.push(t);
  const n = BigInt(starts.length);
  const total = divRoundHalfUp(sum * n, BigInt(baseline.length));
  const each = n === 0n ? 0n : total / n;
  const left = n === 0n ? 0n : total % n;
  return {
    intervals: starts.map((t, i) => ({
      start: t,
      importMwh: each + (BigInt(i) < left ? 1n : 0n),
      exportMwh: null,
    })),
    projectedImportMwh: total,
    method: 'baseline-month',
  };
}
