import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { MeterIndex } from '../../consumption/meter-index.js';
import { lastYearWindows, seasonalFactors, windowEdges } from './seasonal-factors.js';

const TZ = 'Europe/Paris';
const t = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();
const DAY = 86_400_000;

/** A meter drawing `importW(t)` and exporting `exportW(t)`: its registers by integration per hour. */
function meter(importW: (t: number) => number, exportW: (t: number) => number | null) {
  const origin = t('2025-01-15T00:00:00Z');
  return (at: number): MeterIndex | undefined => {
    if (at < origin) return undefined;
    let imp = 0;
    let exp: number | null = 0;
    for (let s = origin; s < at; s += 3_600_000) {
      imp += importW(s);
      const e = exportW(s);
      exp = exp === null || e === null ? null : exp + e;
    }
    return {
      importMwh: BigInt(Math.round(imp * 1000)),
      exportMwh: exp === null ? undefined : BigInt(Math.round(exp * 1000)),
    };
  };
}

describe('lastYearWindows', () => {
  it('looks 52 weeks back on the local calendar: four weeks of level, the days to come ±3', () => {
    const w = lastYearWindows(
      'interval',
      TZ,
      t('2026-03-10T00:00:00+01:00'),
      t('2026-03-01T00:00:00+01:00'),
      t('2026-04-01T00:00:00+02:00'),
    );
    expect(w.level.end).toBe(t('2025-03-11T00:00:00+01:00'));
    expect(w.level.start).toBe(t('2025-02-11T00:00:00+01:00'));
    expect(w.future.start).toBe(t('2025-03-08T00:00:00+01:00'));
    // 364 days before 1 April 2026 is 2 April 2025, plus three days, across the spring change.
    expect(w.future.end).toBe(t('2025-04-05T00:00:00+02:00'));
  });

  it('uses whole months only under month consent', () => {
    const w = lastYearWindows(
      'month',
      TZ,
      t('2026-11-01T00:00:00+01:00'),
      t('2026-11-01T00:00:00+01:00'),
      t('2026-12-01T00:00:00+01:00'),
    );
    expect(w).toEqual({
      level: { start: t('2025-10-01T00:00:00+02:00'), end: t('2025-11-01T00:00:00+01:00') },
      future: { start: t('2025-11-01T00:00:00+01:00'), end: t('2025-12-01T00:00:00+01:00') },
    });
  });
});

describe('seasonalFactors', () => {
  const w = {
    level: { start: t('2025-02-01T00:00:00Z'), end: t('2025-03-01T00:00:00Z') },
    future: { start: t('2025-03-01T00:00:00Z'), end: t('2025-03-29T00:00:00Z') },
  };

  it("applies half of last year's move from the level to the days to come", () => {
    // 400 W until March 2025, 200 W after: last year halved; half of that is a factor 0.75.
    const idx = meter(
      (s) => (s < t('2025-03-01T00:00:00Z') ? 400 : 200),
      () => 0,
    );
    const f = seasonalFactors(w, idx);
    expect(Number(f!.importFactor.num) / Number(f!.importFactor.den)).toBeCloseTo(0.75, 6);
    // Next to no export last year: no export correction.
    expect(f!.exportFactor.num).toBe(f!.exportFactor.den);
  });

  it('corrects export when there was some, and stays within [0.5, 2]', () => {
    const idx = meter(
      (s) => (s < t('2025-03-01T00:00:00Z') ? 100 : 1000),
      (s) => (s < t('2025-03-01T00:00:00Z') ? 100 : 300),
    );
    const f = seasonalFactors(w, idx)!;
    expect(Number(f.importFactor.num) / Number(f.importFactor.den)).toBe(2);
    expect(Number(f.exportFactor.num) / Number(f.exportFactor.den)).toBeCloseTo(2, 6);
  });

  it('has no factors without readings a year back', () => {
    const young = (at: number) =>
      at < t('2025-02-15T00:00:00Z')
        ? undefined
        : meter(
            () => 1,
            () => 0,
          )(at);
    expect(seasonalFactors(w, young)).toBeUndefined();
    expect(windowEdges(w)).toEqual([w.level.start, w.level.end, w.future.start, w.future.end]);
    expect(w.future.end - w.future.start).toBe(28 * DAY);
  });
});
