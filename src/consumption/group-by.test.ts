import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import {
  bucketEdges,
  type GroupBy,
  isGroupBy,
  isValidTimeZone,
  MAX_BUCKETS,
  snapRange,
  TooManyBucketsError,
} from './group-by.js';

const t = (iso: string) => Date.parse(iso);
const minutes = (edges: readonly number[]) =>
  edges.slice(1).map((e, i) => (e - (edges[i] ?? 0)) / 60_000);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** `run` (local ISO instants) appears as consecutive edges. */
function expectRun(edges: readonly number[], run: readonly string[]) {
  const at = edges.indexOf(t(run[0] ?? ''));
  expect(at, `edge ${run[0]}`).toBeGreaterThanOrEqual(0);
  expect(edges.slice(at, at + run.length)).toEqual(run.map(t));
}

describe('bucketEdges: local hours', () => {
  it.each([
    // name, tz, local day, count, real minutes, consecutive edges around the clock change, odd
    // bucket lengths
    {
      name: 'Paris, spring forward (23 h)',
      tz: 'Europe/Paris',
      from: '2026-03-29T00:00+01:00',
      to: '2026-03-30T00:00+02:00',
      count: 23,
      total: 1380,
      run: ['2026-03-29T01:00+01:00', '2026-03-29T03:00+02:00', '2026-03-29T04:00+02:00'],
      odd: [],
    },
    {
      name: 'Paris, fall back (25 h: 02:00 twice)',
      tz: 'Europe/Paris',
      from: '2026-10-25T00:00+02:00',
      to: '2026-10-26T00:00+01:00',
      count: 25,
      total: 1500,
      run: ['2026-10-25T02:00+02:00', '2026-10-25T02:00+01:00', '2026-10-25T03:00+01:00'],
      odd: [],
    },
    {
      name: 'New York, spring forward',
      tz: 'America/New_York',
      from: '2026-03-08T00:00-05:00',
      to: '2026-03-09T00:00-04:00',
      count: 23,
      total: 1380,
      run: ['2026-03-08T01:00-05:00', '2026-03-08T03:00-04:00'],
      odd: [],
    },
    {
      name: 'New York, fall back (01:00 twice)',
      tz: 'America/New_York',
      from: '2026-11-01T00:00-04:00',
      to: '2026-11-02T00:00-05:00',
      count: 25,
      total: 1500,
      run: ['2026-11-01T01:00-04:00', '2026-11-01T01:00-05:00', '2026-11-01T02:00-05:00'],
      odd: [],
    },
    {
      name: 'Lord Howe, DST ends 02:00 → 01:30: a 90-minute 01:00 hour',
      tz: 'Australia/Lord_Howe',
      from: '2026-04-05T00:00+11:00',
      to: '2026-04-06T00:00+10:30',
      count: 24,
      total: 1470,
      run: ['2026-04-05T01:00+11:00', '2026-04-05T02:00+10:30', '2026-04-05T03:00+10:30'],
      odd: [90],
    },
    {
      name: 'Lord Howe, DST starts 02:00 → 02:30: a 30-minute 02:00 hour',
      tz: 'Australia/Lord_Howe',
      from: '2026-10-04T00:00+10:30',
      to: '2026-10-05T00:00+11:00',
      count: 24,
      total: 1410,
      run: ['2026-10-04T01:00+10:30', '2026-10-04T02:30+11:00', '2026-10-04T03:00+11:00'],
      odd: [30],
    },
    {
      name: 'Kathmandu +05:45: hours start at :15 UTC',
      tz: 'Asia/Kathmandu',
      from: '2026-01-01T00:00Z',
      to: '2026-01-01T03:00Z',
      count: 4,
      total: 240,
      run: [
        '2025-12-31T23:15Z',
        '2026-01-01T00:15Z',
        '2026-01-01T01:15Z',
        '2026-01-01T02:15Z',
        '2026-01-01T03:15Z',
      ],
      odd: [],
    },
  ])('$name', ({ tz, from, to, count, total, run, odd }) => {
    const edges = bucketEdges(t(from), t(to), 'hour', tz);
    expect(edges.length - 1).toBe(count);
    expect(sum(minutes(edges))).toBe(total);
    expectRun(edges, run);
    expect(minutes(edges).filter((m) => m !== 60)).toEqual(odd);
  });

  it('snaps a range inside hours outward to local hour edges', () => {
    expect(
      bucketEdges(t('2026-01-01T00:10Z'), t('2026-01-01T01:05Z'), 'hour', 'Asia/Kathmandu'),
    ).toEqual(['2025-12-31T23:15Z', '2026-01-01T00:15Z', '2026-01-01T01:15Z'].map(t));
    expect(
      snapRange(
        t('2026-10-04T02:40+11:00'),
        t('2026-10-04T02:40+11:00'),
        'hour',
        'Australia/Lord_Howe',
      ),
    ).toEqual({ start: t('2026-10-04T02:30+11:00'), end: t('2026-10-04T03:00+11:00') });
  });
});

describe('bucketEdges: local days and months', () => {
  it.each<{
    name: string;
    tz: string;
    g: GroupBy;
    from: string;
    to?: string;
    edges: string[];
    hours: number[];
  }>([
    {
      name: 'Paris 23 h day',
      tz: 'Europe/Paris',
      g: 'day',
      from: '2026-03-29T12:00+02:00',
      edges: ['2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00'],
      hours: [23],
    },
    {
      name: 'Paris 25 h day',
      tz: 'Europe/Paris',
      g: 'day',
      from: '2026-10-25T12:00+01:00',
      edges: ['2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00'],
      hours: [25],
    },
    {
      name: 'New York 23 h day',
      tz: 'America/New_York',
      g: 'day',
      from: '2026-03-08T12:00-04:00',
      edges: ['2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00'],
      hours: [23],
    },
    {
      name: 'New York 25 h day',
      tz: 'America/New_York',
      g: 'day',
      from: '2026-11-01T12:00-05:00',
      edges: ['2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00'],
      hours: [25],
    },
    {
      name: 'Lord Howe 24.5 h day',
      tz: 'Australia/Lord_Howe',
      g: 'day',
      from: '2026-04-05T12:00+10:30',
      edges: ['2026-04-05T00:00+11:00', '2026-04-06T00:00+10:30'],
      hours: [24.5],
    },
    {
      name: 'Lord Howe 23.5 h day',
      tz: 'Australia/Lord_Howe',
      g: 'day',
      from: '2026-10-04T12:00+11:00',
      edges: ['2026-10-04T00:00+10:30', '2026-10-05T00:00+11:00'],
      hours: [23.5],
    },
    {
      name: 'Havana: midnight repeated, the day starts at the first',
      tz: 'America/Havana',
      g: 'day',
      from: '2026-11-01T12:00-05:00',
      edges: ['2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00'],
      hours: [25],
    },
    {
      name: 'Havana: midnight skipped, the day starts at the change',
      tz: 'America/Havana',
      g: 'day',
      from: '2026-03-08T12:00-04:00',
      edges: ['2026-03-08T01:00-04:00', '2026-03-09T00:00-04:00'],
      hours: [23],
    },
    {
      name: 'Apia skipped 2011-12-30 entirely',
      tz: 'Pacific/Apia',
      g: 'day',
      from: '2011-12-29T12:00-10:00',
      to: '2011-12-31T12:00+14:00',
      edges: ['2011-12-29T00:00-10:00', '2011-12-31T00:00+14:00', '2012-01-01T00:00+14:00'],
      hours: [24, 24],
    },
    {
      name: '31st → 1st',
      tz: 'Europe/Paris',
      g: 'day',
      from: '2026-01-31T10:00+01:00',
      to: '2026-02-01T10:00+01:00',
      edges: ['2026-01-31T00:00+01:00', '2026-02-01T00:00+01:00', '2026-02-02T00:00+01:00'],
      hours: [24, 24],
    },
    {
      name: 'leap day 2028',
      tz: 'Europe/Paris',
      g: 'day',
      from: '2028-02-28T12:00+01:00',
      to: '2028-03-01T12:00+01:00',
      edges: [
        '2028-02-28T00:00+01:00',
        '2028-02-29T00:00+01:00',
        '2028-03-01T00:00+01:00',
        '2028-03-02T00:00+01:00',
      ],
      hours: [24, 24, 24],
    },
    {
      name: 'leap day 2024',
      tz: 'America/New_York',
      g: 'day',
      from: '2024-02-29T23:59-05:00',
      edges: ['2024-02-29T00:00-05:00', '2024-03-01T00:00-05:00'],
      hours: [24],
    },
    {
      name: 'February 2028 (leap)',
      tz: 'Europe/Paris',
      g: 'month',
      from: '2028-02-10T00:00Z',
      edges: ['2028-02-01T00:00+01:00', '2028-03-01T00:00+01:00'],
      hours: [29 * 24],
    },
    {
      name: 'February 2024 (leap)',
      tz: 'America/New_York',
      g: 'month',
      from: '2024-02-29T12:00Z',
      edges: ['2024-02-01T00:00-05:00', '2024-03-01T00:00-05:00'],
      hours: [29 * 24],
    },
    {
      name: 'February 2026',
      tz: 'Europe/Paris',
      g: 'month',
      from: '2026-02-28T23:59+01:00',
      edges: ['2026-02-01T00:00+01:00', '2026-03-01T00:00+01:00'],
      hours: [28 * 24],
    },
    {
      name: 'March 2026, Paris (one hour short)',
      tz: 'Europe/Paris',
      g: 'month',
      from: '2026-03-31T23:30+02:00',
      edges: ['2026-03-01T00:00+01:00', '2026-04-01T00:00+02:00'],
      hours: [31 * 24 - 1],
    },
    {
      name: 'December → January',
      tz: 'Asia/Kathmandu',
      g: 'month',
      from: '2026-12-31T23:00+05:45',
      to: '2027-01-01T01:00+05:45',
      edges: ['2026-12-01T00:00+05:45', '2027-01-01T00:00+05:45', '2027-02-01T00:00+05:45'],
      hours: [31 * 24, 31 * 24],
    },
  ])('$name', ({ tz, g, from, to = from, edges, hours }) => {
    const got = bucketEdges(t(from), t(to), g, tz);
    expect(got).toEqual(edges.map(t));
    expect(minutes(got).map((m) => m / 60)).toEqual(hours);
  });

  it('gives twelve months for a year, whatever the time of day of the bounds', () => {
    const edges = bucketEdges(
      t('2026-01-01T00:00+01:00'),
      t('2026-12-31T23:59+01:00'),
      'month',
      'Europe/Paris',
    );
    expect(edges.length - 1).toBe(12);
    expect(edges.at(-1)).toBe(t('2027-01-01T00:00+01:00'));
  });
});

describe('bucketEdges: quarter hours and snapping', () => {
  it('uses UTC quarter hours', () => {
    expect(
      bucketEdges(t('2026-01-01T10:07Z'), t('2026-01-01T10:31Z'), '15m', 'Asia/Kathmandu'),
    ).toEqual(
      ['2026-01-01T10:00Z', '2026-01-01T10:15Z', '2026-01-01T10:30Z', '2026-01-01T10:45Z'].map(t),
    );
  });

  it.each(['15m', 'hour', 'day', 'month'] as const)(
    '%s: zero buckets for an empty range on an edge, one around an instant',
    (g) => {
      const edge = t('2026-03-01T00:00+01:00');
      expect(bucketEdges(edge, edge, g, 'Europe/Paris')).toEqual([edge]);
      const inside = bucketEdges(edge + 60_000, edge + 60_000, g, 'Europe/Paris');
      expect(inside).toHaveLength(2);
      expect(inside[0]).toBe(edge);
    },
  );

  it('snapRange agrees with the edges', () => {
    for (const g of ['15m', 'hour', 'day', 'month'] as const) {
      const edges = bucketEdges(t('2026-10-24T21:50Z'), t('2026-10-25T03:05Z'), g, 'Europe/Paris');
      expect(snapRange(t('2026-10-24T21:50Z'), t('2026-10-25T03:05Z'), g, 'Europe/Paris')).toEqual({
        start: edges[0],
        end: edges.at(-1),
      });
    }
  });

  it('nests edges: months in days, days in hours, hours in quarter hours, across a year of clock changes', () => {
    for (const tz of [
      'Europe/Paris',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/Havana',
      'America/Santiago',
      'Pacific/Chatham',
    ]) {
      const months = bucketEdges(t('2026-01-15T00:00Z'), t('2026-12-15T00:00Z'), 'month', tz);
      const days = bucketEdges(months[0] ?? 0, months.at(-1) ?? 0, 'day', tz);
      const hours = bucketEdges(months[0] ?? 0, months.at(-1) ?? 0, 'hour', tz);
      const daySet = new Set(days);
      const hourSet = new Set(hours);
      expect(
        months.filter((e) => !daySet.has(e)),
        tz,
      ).toEqual([]);
      expect(
        days.filter((e) => !hourSet.has(e)),
        tz,
      ).toEqual([]);
      expect(
        hours.filter((e) => e % 900_000 !== 0),
        tz,
      ).toEqual([]);
    }
  });
});

describe('bucketEdges: limits and validation', () => {
  const start = t('2026-01-01T00:00Z');
  it.each([
    { g: '15m', step: 900_000 },
    { g: 'hour', step: 3_600_000 },
    { g: 'day', step: 86_400_000 },
  ] as const)('$g: 10,000 buckets pass, 10,001 throw TooManyBucketsError', ({ g, step }) => {
    expect(bucketEdges(start, start + MAX_BUCKETS * step, g, 'UTC')).toHaveLength(MAX_BUCKETS + 1);
    const refused = () => bucketEdges(start, start + (MAX_BUCKETS + 1) * step, g, 'UTC');
    expect(refused).toThrow(TooManyBucketsError);
    expect(refused).toThrow(AppError);
  });

  it('refuses an absurd range at once, without generating its buckets', () => {
    const began = performance.now();
    expect(() => bucketEdges(0, t('9999-12-31T00:00Z'), '15m', 'UTC')).toThrow(TooManyBucketsError);
    expect(() => bucketEdges(0, t('9999-12-31T00:00Z'), 'hour', 'Europe/Paris')).toThrow(
      TooManyBucketsError,
    );
    expect(performance.now() - began).toBeLessThan(500);
  });

  it('takes a custom maximum', () => {
    expect(
      bucketEdges(t('2026-03-01T00:00Z'), t('2026-03-04T00:00Z'), 'day', 'UTC', 3),
    ).toHaveLength(4);
    try {
      bucketEdges(t('2026-03-01T00:00Z'), t('2026-03-05T00:00Z'), 'day', 'UTC', 3);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TooManyBucketsError);
      expect(e).toMatchObject({ code: 'validation_failed', max: 3, groupBy: 'day' });
    }
  });

  it.each([
    ['Europe/Paris', true],
    ['UTC', true],
    ['Asia/Kathmandu', true],
    ['Australia/Lord_Howe', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+01:00', false],
    ['local', false],
  ])('isValidTimeZone(%j) is %s', (tz, valid) => {
    expect(isValidTimeZone(tz)).toBe(valid);
  });

  it('refuses unknown zones, reversed ranges and unknown sizes', () => {
    expect(() => bucketEdges(0, 1, 'hour', 'Mars/Olympus_Mons')).toThrow(AppError);
    expect(() => bucketEdges(2, 1, 'hour', 'UTC')).toThrow(/after/);
    expect(() => bucketEdges(0, Number.NaN, 'hour', 'UTC')).toThrow(AppError);
    expect(() => bucketEdges(0, 1, 'week' as GroupBy, 'UTC')).toThrow(/groupBy/);
    expect(isGroupBy('hour')).toBe(true);
    expect(isGroupBy('week')).toBe(false);
  });
});
