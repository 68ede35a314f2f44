import { describe, expect, it } from 'vitest';
import { computeConsumption } from './buckets.js';
import { t, r } from './buckets.test-support.js';

describe('register columns as input (what the readings cache hands over)', () => {
  const readings = [
    r('2026-03-28T22:00Z', 100, 5),
    r('2026-03-29T01:07Z', 180),
    r('2026-03-29T02:00Z', 220, 9),
    r('2026-03-29T05:00Z', 400, 12),
    r('2026-03-30T00:00Z', 1000, 30),
  ];
  const range = {
    from: t('2026-03-29T00:00+01:00'),
    to: t('2026-03-30T00:00+02:00'),
    groupBy: 'hour' as const,
    tz: 'Europe/Paris',
  };
  const series = {
    ts: readings.map((x) => x.ts),
    importWh: readings.map((x) => x.importWh),
    exportWh: readings.map((x) => x.exportWh ?? Number.NaN),
  };

  it('gives exactly the buckets of the same readings as objects, NaN standing for a missing export register', () => {
    expect(computeConsumption({ ...range, series })).toEqual(
      computeConsumption({ ...range, readings }),
    );
  });

  it('refuses columns out of order or of different lengths rather than answer wrongly', () => {
    expect(() =>
      computeConsumption({ ...range, series: { ...series, ts: [...series.ts].reverse() } }),
    ).toThrow(/ascending/);
    expect(() =>
      computeConsumption({ ...range, series: { ...series, importWh: series.importWh.slice(1) } }),
    ).toThrow(/lengths/);
  });
});
