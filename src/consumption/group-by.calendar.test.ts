import { describe, expect, it } from 'vitest';
import { bucketEdges, type GroupBy } from './group-by.js';
import { t, minutes } from './group-by.test-support.js';

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
