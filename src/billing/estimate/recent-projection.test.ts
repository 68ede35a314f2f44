import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { PricedInterval } from '../pricing/bill.js';
import { ratioOf } from './apportion.js';
import { LEVEL_MS, projectRecent } from './recent-projection.js';

const Q = 900_000;
const t = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();
const TZ = 'Europe/Paris';

function series(
  from: number,
  to: number,
  f: (start: number) => [bigint, bigint | null],
): PricedInterval[] {
  const out: PricedInterval[] = [];
  for (let s = from; s < to; s += Q) {
    const [importMwh, exportMwh] = f(s);
    out.push({ start: s, importMwh, exportMwh });
  }
  return out;
}
const weekend = (s: number) => DateTime.fromMillis(s, { zone: TZ }).weekday >= 6;
const hour = (s: number) => DateTime.fromMillis(s, { zone: TZ }).hour;
const sum = (xs: readonly PricedInterval[], f: (i: PricedInterval) => bigint | null) =>
  xs.reduce((a, i) => a + (f(i) ?? 0n), 0n);

describe('projectRecent', () => {
  // Wednesday 10 June 2026, local midnight; the period ends on 1 July (3 weekends left).
  const cut = t('2026-06-10T00:00:00+02:00');
  const periodEnd = t('2026-07-01T00:00:00+02:00');

  it('projects a steady load as the same value on every quarter hour left', () => {
    const baseline = series(cut - LEVEL_MS, cut, () => [250_000n, null]);
    const p = projectRecent({ cut, periodEnd, baseline, tz: TZ });
    expect(p.kind).toBe('recent-weeks');
    expect(p.intervals).toHaveLength(21 * 96);
    expect(p.intervals.every((i) => i.importMwh === 250_000n && i.exportMwh === null)).toBe(true);
    expect(p.projectedImportMwh).toBe(21n * 96n * 250_000n);
    expect(p.projectedExportMwh).toBe(0n);
  });

  it('keeps weekdays and weekends apart: their levels and their shapes', () => {
    // Weekdays 100 Wh a quarter hour, weekends 300 Wh by day and 100 Wh at night.
    const f = (s: number): [bigint, null] => [
      weekend(s) && hour(s) >= 8 && hour(s) < 20 ? 300_000n : 100_000n,
      null,
    ];
    const p = projectRecent({ cut, periodEnd, baseline: series(cut - LEVEL_MS, cut, f), tz: TZ });
    for (const i of p.intervals) expect(i.importMwh).toBe(f(i.start)[0]);
    // 15 weekdays and 6 weekend days left.
    expect(p.projectedImportMwh).toBe(
      15n * 96n * 100_000n + 6n * (48n * 300_000n + 48n * 100_000n),
    );
  });

  it('projects export as well, in its own shape, so a solar home is credited', () => {
    const f = (s: number): [bigint, bigint] =>
      hour(s) >= 10 && hour(s) < 16 ? [0n, 400_000n] : [150_000n, 0n];
    const p = projectRecent({ cut, periodEnd, baseline: series(cut - LEVEL_MS, cut, f), tz: TZ });
    expect(p.projectedExportMwh).toBe(21n * 24n * 400_000n);
    expect(p.projectedImportMwh).toBe(21n * 72n * 150_000n);
    for (const i of p.intervals) expect([i.importMwh, i.exportMwh]).toEqual(f(i.start));
    expect(sum(p.intervals, (i) => i.exportMwh)).toBe(p.projectedExportMwh);
  });

  it('scales both by the seasonal factors, exactly, and says so', () => {
    const baseline = series(cut - LEVEL_MS, cut, () => [100_000n, 10_000n]);
    const p = projectRecent({
      cut,
      periodEnd,
      baseline,
      tz: TZ,
      seasonal: { importFactor: ratioOf(1.25), exportFactor: ratioOf(0.5) },
    });
    expect(p.kind).toBe('seasonal');
    expect(p.projectedImportMwh).toBe(21n * 96n * 125_000n);
    expect(p.projectedExportMwh).toBe(21n * 96n * 5_000n);
    expect(sum(p.intervals, (i) => i.importMwh)).toBe(p.projectedImportMwh);
  });

  it('starts at `from` when the data stopped before it, the level still from before the cut', () => {
    const baseline = series(cut - LEVEL_MS, cut, () => [200_000n, null]);
    const from = cut + 2 * 86_400_000;
    const p = projectRecent({ cut, from, periodEnd, baseline, tz: TZ });
    expect(p.intervals[0]?.start).toBe(from);
    expect(p.projectedImportMwh).toBe(19n * 96n * 200_000n);
  });

  it('ignores intervals outside the 14-day window and projects nothing without any', () => {
    const stale = series(cut - LEVEL_MS - 86_400_000, cut - LEVEL_MS, () => [1_000n, null]);
    expect(projectRecent({ cut, periodEnd, baseline: stale, tz: TZ })).toEqual({
      intervals: [],
      projectedImportMwh: 0n,
      projectedExportMwh: 0n,
      kind: 'none',
    });
  });

  it('covers the 25-hour day of October, and refuses inconsistent input', () => {
    const c = t('2026-10-20T00:00:00+02:00');
    const end = t('2026-11-01T00:00:00+01:00');
    const p = projectRecent({
      cut: c,
      periodEnd: end,
      baseline: series(c - LEVEL_MS, c, () => [10n, null]),
      tz: TZ,
    });
    expect(p.intervals).toHaveLength(12 * 96 + 4);
    expect(() => projectRecent({ cut: c + 1, periodEnd: end, baseline: [], tz: TZ })).toThrow(
      RangeError,
    );
    expect(() => projectRecent({ cut: c, periodEnd: end, baseline: [], tz: 'No/Where' })).toThrow(
      RangeError,
    );
    expect(() =>
      projectRecent({
        cut: c,
        periodEnd: end,
        baseline: [{ start: c - Q, importMwh: -1n, exportMwh: null }],
        tz: TZ,
      }),
    ).toThrow(RangeError);
  });
});
