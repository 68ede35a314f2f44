import { describe, expect, it } from 'vitest';
import { computeConsumption } from './buckets.js';
import { MIN, t, r, linearMeter, values, imports, sixties } from './buckets.test-support.js';

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
