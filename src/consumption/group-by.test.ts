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
import { t, minutes, sum, expectRun } from './group-by.test-support.js';

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
