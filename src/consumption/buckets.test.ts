import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { type Bucket, computeConsumption } from './buckets.js';
import { TooManyBucketsError } from './group-by.js';

const MIN = 60_000;
const t = (iso: string) => Date.parse(iso);
const T0 = t('2020-01-01T00:00Z');
const r = (iso: string, importWh: number, exportWh?: number): Reading => ({
  meterId: 'm',
  ts: t(iso),
  importWh,
  exportWh,
  receivedAt: 0,
});

/**
 * A simple meter: import rises 1 Wh per minute, export 2 Wh per minute, so any span of m minutes
 * consumed m Wh and exported 2m Wh. Readings at `offsets` (minutes) within each `period`, over
 * [from, to].
 */
function linearMeter(
  from: string,
  to: string,
  period: number,
  offsets: readonly number[] = [0],
  withExport = true,
): Reading[] {
  const out: Reading[] = [];
  for (let p = t(from); p <= t(to); p += period * MIN) {
    for (const o of offsets) {
      const ts = p + o * MIN;
      const minutes = (ts - T0) / MIN;
      if (ts <= t(to))
        out.push({
          meterId: 'm',
          ts,
          importWh: minutes,
          exportWh: withExport ? 2 * minutes : undefined,
          receivedAt: 0,
        });
    }
  }
  return out;
}

const values = (buckets: readonly Bucket[]) =>
  buckets.map((b) => [b.importWh, b.exportWh, b.quality]);
const imports = (buckets: readonly Bucket[]) => buckets.map((b) => b.importWh);
const sixties = (n: number) => Array.from({ length: n }, () => 60);

describe('computeConsumption: DST and odd offsets, by hour and by day', () => {
  it.each([
    {
      name: 'Paris, 23 h day',
      tz: 'Europe/Paris',
      from: '2026-03-29T00:00+01:00',
      to: '2026-03-30T00:00+02:00',
      hours: sixties(23),
      day: 1380,
    },
    {
      name: 'Paris, 25 h day',
      tz: 'Europe/Paris',
      from: '2026-10-25T00:00+02:00',
      to: '2026-10-26T00:00+01:00',
      hours: sixties(25),
      day: 1500,
    },
    {
      name: 'New York, 23 h day',
      tz: 'America/New_York',
      from: '2026-03-08T00:00-05:00',
      to: '2026-03-09T00:00-04:00',
      hours: sixties(23),
      day: 1380,
    },
    {
      name: 'New York, 25 h day',
      tz: 'America/New_York',
      from: '2026-11-01T00:00-04:00',
      to: '2026-11-02T00:00-05:00',
      hours: sixties(25),
      day: 1500,
    },
    {
      name: 'Lord Howe, 24.5 h day with a 90-minute hour',
      tz: 'Australia/Lord_Howe',
      from: '2026-04-05T00:00+11:00',
      to: '2026-04-06T00:00+10:30',
      hours: [60, 90, ...sixties(22)],
      day: 1470,
    },
    {
      name: 'Lord Howe, 23.5 h day with a 30-minute hour',
      tz: 'Australia/Lord_Howe',
      from: '2026-10-04T00:00+10:30',
      to: '2026-10-05T00:00+11:00',
      hours: [60, 60, 30, ...sixties(21)],
      day: 1410,
    },
    {
      name: 'Kathmandu +05:45',
      tz: 'Asia/Kathmandu',
      from: '2026-01-01T00:00+05:45',
      to: '2026-01-02T00:00+05:45',
      hours: sixties(24),
      day: 1440,
    },
  ])('$name', ({ tz, from, to, hours, day }) => {
    const readings = linearMeter(
      `${new Date(t(from) - 15 * MIN).toISOString()}`,
      new Date(t(to) + 15 * MIN).toISOString(),
      15,
    );
    const byHour = computeConsumption({ readings, from: t(from), to: t(to), groupBy: 'hour', tz });
    expect(imports(byHour.buckets)).toEqual(hours);
    expect(byHour.buckets.map((b) => b.exportWh)).toEqual(hours.map((h) => 2 * h));
    expect(new Set(byHour.buckets.map((b) => b.quality))).toEqual(new Set(['measured']));
    expect(byHour.totals).toEqual({ importWh: day, exportWh: 2 * day });

    const byDay = computeConsumption({
      readings,
      from: t(from),
      to: t(to) - 1,
      groupBy: 'day',
      tz,
    });
    expect(values(byDay.buckets)).toEqual([[day, 2 * day, 'measured']]);
    expect([byDay.start, byDay.end]).toEqual([t(from), t(to)]);
  });

  it('Kathmandu hours start at :15 UTC, between half-hourly readings', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      r('2026-01-01T00:30Z', 30),
      r('2026-01-01T01:00Z', 40),
      r('2026-01-01T01:30Z', 100),
      r('2026-01-01T02:00Z', 100),
      r('2026-01-01T02:30Z', 130),
    ];
    const out = computeConsumption({
      readings,
      from: t('2026-01-01T06:00+05:45'),
      to: t('2026-01-01T08:00+05:45'),
      groupBy: 'hour',
      tz: 'Asia/Kathmandu',
    });
    // index(00:15Z) = 15, index(01:15Z) = 40 + 60/2 = 70, index(02:15Z) = 100 + 30/2 = 115
    expect(out.buckets.map((b) => [b.start, b.importWh])).toEqual([
      [t('2026-01-01T00:15Z'), 55],
      [t('2026-01-01T01:15Z'), 45],
    ]);
  });
});

describe('computeConsumption: month ends and leap days', () => {
  it.each([
    {
      name: 'February 2028, Paris',
      tz: 'Europe/Paris',
      from: '2028-02-01T00:00+01:00',
      to: '2028-03-01T00:00+01:00',
      wh: 29 * 1440,
    },
    {
      name: 'February 2024, New York',
      tz: 'America/New_York',
      from: '2024-02-01T00:00-05:00',
      to: '2024-03-01T00:00-05:00',
      wh: 29 * 1440,
    },
    {
      name: 'February 2026, Paris',
      tz: 'Europe/Paris',
      from: '2026-02-01T00:00+01:00',
      to: '2026-03-01T00:00+01:00',
      wh: 28 * 1440,
    },
    {
      name: 'March 2026, Paris (an hour short)',
      tz: 'Europe/Paris',
      from: '2026-03-01T00:00+01:00',
      to: '2026-04-01T00:00+02:00',
      wh: 31 * 1440 - 60,
    },
  ])('$name by month', ({ tz, from, to, wh }) => {
    const readings = linearMeter(
      new Date(t(from) - 60 * MIN).toISOString(),
      new Date(t(to) + 60 * MIN).toISOString(),
      60,
    );
    const out = computeConsumption({ readings, from: t(from), to: t(to), groupBy: 'month', tz });
    expect(values(out.buckets)).toEqual([[wh, 2 * wh, 'measured']]);
  });

  it('days around the 31st and a leap day', () => {
    const readings = linearMeter('2028-01-30T00:00Z', '2028-03-03T00:00Z', 30);
    const janFeb = computeConsumption({
      readings,
      from: t('2028-01-31T00:00+01:00'),
      to: t('2028-02-02T00:00+01:00'),
      groupBy: 'day',
      tz: 'Europe/Paris',
    });
    expect(janFeb.buckets.map((b) => [b.start, b.importWh])).toEqual([
      [t('2028-01-31T00:00+01:00'), 1440],
      [t('2028-02-01T00:00+01:00'), 1440],
    ]);
    const leap = computeConsumption({
      readings,
      from: t('2028-02-28T12:00+01:00'),
      to: t('2028-03-01T12:00+01:00'),
      groupBy: 'day',
      tz: 'Europe/Paris',
    });
    expect(leap.buckets.map((b) => [b.start, b.importWh])).toEqual([
      [t('2028-02-28T00:00+01:00'), 1440],
      [t('2028-02-29T00:00+01:00'), 1440],
      [t('2028-03-01T00:00+01:00'), 1440],
    ]);
  });
});

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
