import { describe, expect, it } from 'vitest';
import { standingDays } from './standing-days.js';

const days = (from: string, to: string, tz = 'Europe/Paris') =>
  standingDays({ start: Date.parse(from), end: Date.parse(to) }, tz).toFixed(4);

describe('standingDays (docs/design.md §5 rule 3)', () => {
  it.each([
    ['January, 31 days', '2026-01-01T00:00+01:00', '2026-02-01T00:00+01:00', '31.0000'],
    [
      'October with its 25-hour day still 31 days',
      '2026-10-01T00:00+02:00',
      '2026-11-01T00:00+01:00',
      '31.0000',
    ],
    [
      'March with its 23-hour day still 31 days',
      '2026-03-01T00:00+01:00',
      '2026-04-01T00:00+02:00',
      '31.0000',
    ],
    ['leap February 2028', '2028-02-01T00:00+01:00', '2028-03-01T00:00+01:00', '29.0000'],
    ['February 2026', '2026-02-01T00:00+01:00', '2026-03-01T00:00+01:00', '28.0000'],
    // 16 whole days + 14 h of a 24 h day: 14/24 = 0.58333… → 0.5833
    [
      'move-out on the 17th at 14:00',
      '2026-10-01T00:00+02:00',
      '2026-10-17T14:00+02:00',
      '16.5833',
    ],
    // the 25th has 25 h; 00:00 CEST to 14:00 CET is 15 h: 24 + 15/25 = 24.6
    [
      'move-out at 14:00 on the 25-hour day',
      '2026-10-01T00:00+02:00',
      '2026-10-25T14:00+01:00',
      '24.6000',
    ],
    // the 29th of March has 23 h; 00:00 CET to 14:00 CEST is 13 h:
    // 28 + 13/23 = 28.565217… → 28.5652
    [
      'move-out at 14:00 on the 23-hour day',
      '2026-03-01T00:00+01:00',
      '2026-03-29T14:00+02:00',
      '28.5652',
    ],
    // 12 h of the 16th + 14 whole days: 14.5
    ['from noon to month end', '2026-09-16T12:00+02:00', '2026-10-01T00:00+02:00', '14.5000'],
    [
      'inside one day: 06:00 to 12:00',
      '2026-09-16T06:00+02:00',
      '2026-09-16T12:00+02:00',
      '0.2500',
    ],
    // 12 h of the 25-hour day: 12/25 = 0.48; plus 6 h of the 26th: 0.25
    ['across the 25-hour day', '2026-10-25T12:00+01:00', '2026-10-26T06:00+01:00', '0.7300'],
    // one minute of a 24-hour day: 1/1440 = 0.000694… → 0.0007
    ['a minute', '2026-09-16T06:00+02:00', '2026-09-16T06:01+02:00', '0.0007'],
  ])('%s', (_what, from, to, want) => {
    expect(days(from, to)).toBe(want);
  });

  it('counts local days in other zones', () => {
    expect(days('2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00', 'America/New_York')).toBe(
      '1.0000',
    ); // 25 h
    // Santiago's clock jumps from 00:00 to 01:00 on 2026-09-06: that day starts at 01:00 and
    // has 23 h.
    expect(days('2026-09-06T01:00-03:00', '2026-09-06T12:30-03:00', 'America/Santiago')).toBe(
      '0.5000',
    ); // 11.5/23
    expect(days('2026-01-01T00:00+05:45', '2026-01-03T06:00+05:45', 'Asia/Kathmandu')).toBe(
      '2.2500',
    );
  });
});
