import { describe, expect, it } from 'vitest';
import { computeConsumption } from './buckets.js';
import { TooManyBucketsError } from './group-by.js';
import { MIN, t, T0, r, linearMeter, values, imports, sixties } from './buckets.test-support.js';

describe('computeConsumption: sampling, gaps, boundaries', () => {
  it.each([
    { name: 'every 5 min', period: 5, offsets: [0] },
    { name: 'every 15 min', period: 15, offsets: [0] },
    { name: 'every 30 min', period: 30, offsets: [0] },
    {
      name: 'irregular (7, 19, 44, 61, 95 min in each 2 h)',
      period: 120,
      offsets: [0, 7, 19, 44, 61, 95],
    },
  ])('a linear register gives the same buckets sampled $name', ({ period, offsets }) => {
    const readings = linearMeter('2026-10-24T20:00Z', '2026-10-26T02:00Z', period, offsets);
    const out = computeConsumption({
      readings,
      from: t('2026-10-25T00:00+02:00'),
      to: t('2026-10-26T00:00+01:00'),
      groupBy: 'hour',
      tz: 'Europe/Paris',
    });
    expect(values(out.buckets)).toEqual(sixties(25).map(() => [60, 120, 'measured']));
  });

  it('interpolates irregular readings exactly, rounding each edge index half-up to the mWh', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      r('2026-01-01T00:07Z', 10),
      r('2026-01-01T00:22Z', 11),
      r('2026-01-01T00:40Z', 31),
      r('2026-01-01T00:45Z', 31),
      r('2026-01-01T01:00Z', 40),
    ];
    const out = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T01:00Z'),
      groupBy: '15m',
      tz: 'UTC',
    });
    // index(00:15) = 10 + 1·8/15 = 10.5333 → 10.533; index(00:30) = 11 + 20·8/18 = 19.8889 → 19.889
    expect(imports(out.buckets)).toEqual([10.533, 9.356, 11.111, 9]);
    expect(out.totals.importWh).toBe(40);
    expect(out.buckets.map((b) => b.exportWh)).toEqual([null, null, null, null]);
    expect(out.totals.exportWh).toBeNull();
  });

  it('marks buckets touching a gap of more than an hour as interpolated', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      r('2026-01-01T01:00Z', 60),
      r('2026-01-01T04:00Z', 100),
      r('2026-01-01T05:00Z', 160),
    ];
    const hours = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T05:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    // A reading exactly an hour after the last is no gap; 01:00 → 04:00 is.
    // index(02:00) = 73.333, index(03:00) = 86.667.
    expect(values(hours.buckets)).toEqual([
      [60, null, 'measured'],
      [13.333, null, 'interpolated'],
      [13.334, null, 'interpolated'],
      [13.333, null, 'interpolated'],
      [60, null, 'measured'],
    ]);
    expect(hours.totals.importWh).toBe(160);
    const quarters = computeConsumption({
      readings,
      from: t('2026-01-01T00:45Z'),
      to: t('2026-01-01T01:15Z'),
      groupBy: '15m',
      tz: 'UTC',
    });
    expect(values(quarters.buckets)).toEqual([
      [15, null, 'measured'],
      [3.333, null, 'interpolated'],
    ]);
    const strict = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T01:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
      gapMs: 30 * MIN,
    });
    expect(values(strict.buckets)).toEqual([[60, null, 'interpolated']]);
  });

  it('uses a reading exactly on a boundary as the index there', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0, 0),
      r('2026-01-01T00:30Z', 10, 1),
      r('2026-01-01T01:00Z', 50, 5),
      r('2026-01-01T01:30Z', 60, 7),
    ];
    const out = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T01:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(values(out.buckets)).toEqual([[50, 5, 'measured']]);
    // The latest reading exactly at the bucket end: both ends known, not partial.
    const upToLatest = computeConsumption({
      readings,
      from: t('2026-01-01T01:00Z'),
      to: t('2026-01-01T01:30Z'),
      groupBy: '15m',
      tz: 'UTC',
    });
    expect(values(upToLatest.buckets)).toEqual([
      [5, 1, 'measured'],
      [5, 1, 'measured'],
    ]);
  });

  it('ignores arrival order and duplicate instants', () => {
    const sorted = [
      r('2026-01-01T00:00Z', 0, 0),
      r('2026-01-01T00:07Z', 10, 3),
      r('2026-01-01T00:22Z', 11, 3),
      r('2026-01-01T00:40Z', 31, 8),
      r('2026-01-01T00:45Z', 31, 8),
      r('2026-01-01T01:00Z', 40, 9),
    ];
    const shuffled = [
      sorted[3],
      sorted[5],
      sorted[0],
      sorted[4],
      sorted[1],
      sorted[3],
      sorted[2],
      sorted[0],
    ].filter((x) => x !== undefined);
    const args = {
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T01:00Z'),
      groupBy: '15m',
      tz: 'UTC',
    } as const;
    expect(computeConsumption({ readings: shuffled, ...args })).toEqual(
      computeConsumption({ readings: sorted, ...args }),
    );
    expect(imports(computeConsumption({ readings: shuffled, ...args }).buckets)).toEqual([
      10.533, 9.356, 11.111, 9,
    ]);
  });
});

describe('computeConsumption: partial and missing', () => {
  it('has no value before the first reading and stops at the latest', () => {
    const readings = [
      ...linearMeter('2026-01-01T08:30Z', '2026-01-01T10:15Z', 15),
      r(
        '2026-01-01T10:20Z',
        (t('2026-01-01T10:20Z') - T0) / MIN,
        2 * ((t('2026-01-01T10:20Z') - T0) / MIN),
      ),
    ];
    const out = computeConsumption({
      readings,
      from: t('2026-01-01T07:00Z'),
      to: t('2026-01-01T12:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(values(out.buckets)).toEqual([
      [null, null, 'missing'], // no reading at all before
      [null, null, 'missing'], // first reading at 08:30, inside the bucket
      [60, 120, 'measured'],
      [20, 40, 'partial'], // 10:00 → latest reading at 10:20
      [0, 0, 'partial'], // starts after the latest reading
    ]);
    expect(out.totals).toEqual({ importWh: 80, exportWh: 160 });
  });

  it('reports export as unknown where a bounding reading lacks it', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      r('2026-01-01T01:00Z', 60),
      r('2026-01-01T02:00Z', 120, 0),
      r('2026-01-01T03:00Z', 180, 30),
    ];
    const out = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T04:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(values(out.buckets)).toEqual([
      [60, null, 'measured'],
      [60, null, 'measured'],
      [60, 30, 'measured'],
      [0, 0, 'partial'],
    ]);
    expect(out.totals).toEqual({ importWh: 180, exportWh: 30 });
    const noExport = computeConsumption({
      readings: readings.slice(0, 2),
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T02:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(values(noExport.buckets)).toEqual([
      [60, null, 'measured'],
      [0, null, 'partial'],
    ]);
    expect(noExport.totals).toEqual({ importWh: 60, exportWh: null });
  });

  it('without readings every bucket is missing', () => {
    const out = computeConsumption({
      readings: [],
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T02:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(values(out.buckets)).toEqual([
      [null, null, 'missing'],
      [null, null, 'missing'],
    ]);
    expect(out.totals).toEqual({ importWh: 0, exportWh: null });
  });

  it('an empty range on an edge has no bucket', () => {
    const at = t('2026-01-01T00:00Z');
    expect(
      computeConsumption({
        readings: [r('2025-12-31T23:00Z', 0)],
        from: at,
        to: at,
        groupBy: 'day',
        tz: 'UTC',
      }),
    ).toEqual({ start: at, end: at, buckets: [], totals: { importWh: 0, exportWh: null } });
  });
});

describe('computeConsumption: limits', () => {
  it('refuses 10,001 buckets', () => {
    const from = t('2026-01-01T00:00Z');
    expect(() =>
      computeConsumption({
        readings: [],
        from,
        to: from + 10_001 * 15 * MIN,
        groupBy: '15m',
        tz: 'UTC',
      }),
    ).toThrow(TooManyBucketsError);
    expect(() =>
      computeConsumption({
        readings: [],
        from,
        to: from + 10_001 * 60 * MIN,
        groupBy: 'hour',
        tz: 'Europe/Paris',
      }),
    ).toThrow(TooManyBucketsError);
    expect(
      computeConsumption({
        readings: [],
        from,
        to: from + 10_000 * 15 * MIN,
        groupBy: '15m',
        tz: 'UTC',
      }).buckets,
    ).toHaveLength(10_000);
  });

  it('refuses a gap limit that is not positive', () => {
    expect(() =>
      computeConsumption({ readings: [], from: 0, to: 0, groupBy: 'hour', tz: 'UTC', gapMs: 0 }),
    ).toThrow(RangeError);
  });
});
