import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { PricedInterval } from '../pricing/bill.js';
import { BASELINE_MS, projectIntervals } from './projection.js';

const Q = 900_000;
const t = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();

/** One interval per quarter hour of `[from, to)`, valued by `mwh`. */
function series(from: number, to: number, mwh: (start: number) => bigint): PricedInterval[] {
  const out: PricedInterval[] = [];
  for (let s = from; s < to; s += Q) out.push({ start: s, importMwh: mwh(s), exportMwh: 5n });
  return out;
}
const sumOf = (xs: readonly PricedInterval[]): bigint => xs.reduce((a, x) => a + x.importMwh, 0n);
const isNight = (start: number, tz: string): boolean => {
  const hour = DateTime.fromMillis(start, { zone: tz }).hour;
  return hour >= 22 || hour < 6;
};

describe('projectIntervals', () => {
  it('projects a flat baseline as exactly the same value per remaining interval', () => {
    const asOf = t('2026-06-10T00:00:00+02:00');
    const periodEnd = t('2026-07-01T00:00:00+02:00');
    const baseline = series(asOf - BASELINE_MS, asOf, () => 250_000n);
    const p = projectIntervals({ measured: [], asOf, periodEnd, baseline, tz: 'Europe/Paris' });
    expect(p.method).toBe('baseline-7d');
    expect(p.intervals).toHaveLength(21 * 96);
    expect(p.intervals.every((i) => i.importMwh === 250_000n && i.exportMwh === null)).toBe(true);
    expect(p.projectedImportMwh).toBe(21n * 96n * 250_000n);
  });

  it('keeps the shape of a night-low, day-high baseline and the exact total', () => {
    const tz = 'Europe/Paris';
    const asOf = t('2026-06-10T00:00:00+02:00');
    const periodEnd = t('2026-07-01T00:00:00+02:00');
    const baseline = series(asOf - BASELINE_MS, asOf, (s) =>
      isNight(s, tz) ? 100_000n : 400_000n,
    );
    const p = projectIntervals({ measured: [], asOf, periodEnd, baseline, tz });
    // Mean power 300 Wh per quarter hour (32 night, 64 day quarter hours a day)
    // over 2016 intervals.
    expect(p.projectedImportMwh).toBe(2016n * 300_000n);
    expect(sumOf(p.intervals)).toBe(p.projectedImportMwh);
    for (const i of p.intervals)
      expect(i.importMwh).toBe(isNight(i.start, tz) ? 100_000n : 400_000n);
  });

  it('apportions an uneven total exactly, each interval within 1 mWh of its share', () => {
    const asOf = t('2026-06-10T10:07:30Z');
    const periodEnd = t('2026-06-13T22:00:00Z');
    let seed = 12345;
    const baseline = series(
      Math.ceil((asOf - BASELINE_MS) / Q) * Q,
      Math.floor(asOf / Q) * Q,
      () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return BigInt(seed % 400_001);
      },
    );
    const byWeekSlot = new Map(baseline.map((b) => [b.start % BASELINE_MS, b.importMwh]));
    const p = projectIntervals({ measured: [], asOf, periodEnd, baseline, tz: 'UTC' });
    const n = BigInt(baseline.length);
    const m = BigInt(p.intervals.length);
    const sum = sumOf(baseline);
    // A week of UTC quarter hours: every remaining slot has exactly one baseline interval.
    const weights = p.intervals.map((i) => {
      const w = byWeekSlot.get(i.start % BASELINE_MS);
      if (w === undefined) throw new Error('test set-up: slot without baseline');
      return w;
    });
    expect(p.projectedImportMwh).toBe((2n * sum * m + n) / (2n * n)); // half up, all positive
    expect(sumOf(p.intervals)).toBe(p.projectedImportMwh);
    const wSum = weights.reduce((a, w) => a + w, 0n);
    p.intervals.forEach((i, k) => {
      const exact = p.projectedImportMwh * (weights[k] ?? 0n);
      const diff = i.importMwh * wSum - exact;
      expect(diff > -wSum && diff < wSum).toBe(true);
    });
    expect(projectIntervals({ measured: [], asOf, periodEnd, baseline, tz: 'UTC' })).toEqual(p);
  });

  it('uses a baseline shorter than a day as it is, the flat mean where it has no slot', () => {
    const asOf = t('2026-06-10T12:00:00Z');
    const baseline = series(t('2026-06-10T04:00:00Z'), asOf, (s) =>
      s < t('2026-06-10T08:00:00Z') ? 100_000n : 300_000n,
    );
    const periodEnd = asOf + 8 * 86_400_000;
    const p = projectIntervals({ measured: [], asOf, periodEnd, baseline, tz: 'UTC' });
    expect(p.method).toBe('baseline-7d');
    expect(p.projectedImportMwh).toBe(768n * 200_000n);
    expect(sumOf(p.intervals)).toBe(p.projectedImportMwh);
    const at = (iso: string) => p.intervals.find((i) => i.start === t(iso))?.importMwh;
    expect(at('2026-06-17T04:00:00Z')).toBe(100_000n);
    expect(at('2026-06-17T11:45:00Z')).toBe(300_000n);
    expect(at('2026-06-11T04:00:00Z')).toBe(200_000n);
    expect(at('2026-06-17T12:00:00Z')).toBe(200_000n);
  });

  it('projects nothing without a baseline, and says so', () => {
    const asOf = t('2026-06-10T12:00:00Z');
    const periodEnd = t('2026-07-01T00:00:00Z');
    const none = { intervals: [], projectedImportMwh: 0n, method: 'none' };
    expect(projectIntervals({ measured: [], asOf, periodEnd, baseline: [], tz: 'UTC' })).toEqual(
      none,
    );
    const stale = series(asOf - BASELINE_MS - 86_400_000, asOf - BASELINE_MS, () => 1_000n);
    expect(projectIntervals({ measured: [], asOf, periodEnd, baseline: stale, tz: 'UTC' })).toEqual(
      none,
    );
  });

  it('starts on the next quarter hour and ends at the period end', () => {
    const asOf = t('2026-06-10T10:07:30Z');
    const periodEnd = t('2026-06-11T00:00:00Z');
    const baseline = series(
      Math.ceil((asOf - BASELINE_MS) / Q) * Q,
      Math.floor(asOf / Q) * Q,
      () => 250_000n,
    );
    const measured = series(t('2026-06-01T00:00:00Z'), t('2026-06-10T10:00:00Z'), () => 1n);
    const p = projectIntervals({ measured, asOf, periodEnd, baseline, tz: 'UTC' });
    expect(p.intervals[0]?.start).toBe(t('2026-06-10T10:15:00Z'));
    expect(p.intervals.at(-1)?.start).toBe(periodEnd - Q);
    p.intervals.forEach((i, k) => expect(i.start).toBe(t('2026-06-10T10:15:00Z') + k * Q));
    expect(p.intervals.every((i) => i.importMwh === 250_000n)).toBe(true);
    expect(
      projectIntervals({ measured, asOf: periodEnd, periodEnd, baseline, tz: 'UTC' }),
    ).toMatchObject({ intervals: [], projectedImportMwh: 0n });
  });

  it('covers a 25-hour DST day in the remaining time, shaped by local time', () => {
    const tz = 'Europe/Paris';
    const asOf = t('2026-10-22T00:00:00+02:00');
    const periodEnd = t('2026-11-01T00:00:00+01:00');
    const baseline = series(asOf - BASELINE_MS, asOf, (s) =>
      isNight(s, tz) ? 100_000n : 400_000n,
    );
    const p = projectIntervals({ measured: [], asOf, periodEnd, baseline, tz });
    expect(p.intervals).toHaveLength(10 * 96 + 4);
    expect(p.projectedImportMwh).toBe(964n * 300_000n);
    expect(sumOf(p.intervals)).toBe(p.projectedImportMwh);
    // The repeated night hour makes 36 night quarter hours on the 25th: weights sum to 288,400 Wh.
    const wSum = 10n * 28_800_000n + 400_000n;
    for (const i of p.intervals) {
      const exact = p.projectedImportMwh * (isNight(i.start, tz) ? 100_000n : 400_000n);
      const diff = i.importMwh * wSum - exact;
      expect(diff > -wSum && diff < wSum).toBe(true);
    }
    const repeated = p.intervals.filter(
      (i) =>
        DateTime.fromMillis(i.start, { zone: tz }).toFormat('yyyy-MM-dd HH') === '2026-10-25 02',
    );
    expect(repeated).toHaveLength(8);
  });

  it('refuses inconsistent input', () => {
    const asOf = t('2026-06-10T10:07:30Z');
    const base = {
      measured: [],
      asOf,
      periodEnd: t('2026-07-01T00:00:00Z'),
      baseline: [],
      tz: 'UTC',
    };
    expect(() => projectIntervals({ ...base, periodEnd: base.periodEnd + 1 })).toThrow(RangeError);
    expect(() => projectIntervals({ ...base, tz: 'Nowhere/Land' })).toThrow(RangeError);
    expect(() =>
      projectIntervals({
        ...base,
        measured: series(t('2026-06-10T10:15:00Z'), t('2026-06-10T10:30:00Z'), () => 1n),
      }),
    ).toThrow(RangeError);
    expect(() =>
      projectIntervals({
        ...base,
        baseline: [{ start: asOf - 3 * Q, importMwh: -1n, exportMwh: null }],
      }),
    ).toThrow(RangeError);
  });
});
