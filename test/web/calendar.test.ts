import { describe, expect, it } from 'vitest';
import {
  hasNext,
  hasPrevious,
  requestSpan,
  spanTitle,
  stepAnchor,
  viewSpan,
} from '../../web/src/customer/views.js';
import {
  fromLocal,
  fromLocalInput,
  offsetAt,
  todayIn,
  toLocalInput,
} from '../../web/src/shared/tz.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

// The browser computes local calendars with Intl alone (no luxon in the bundle): the same DST cases
// as the server's consumption core, so the app asks for exactly the spans the API snaps to.
describe('web calendar (Intl time-zone arithmetic of the customer app)', () => {
  it.each([
    ['Europe/Paris', 2026, 1, 15, '2026-01-14T23:00:00.000Z'],
    ['Europe/Paris', 2026, 7, 1, '2026-06-30T22:00:00.000Z'],
    ['Europe/Paris', 2026, 3, 29, '2026-03-28T23:00:00.000Z'],
    ['Europe/Paris', 2026, 3, 30, '2026-03-29T22:00:00.000Z'],
    ['Europe/Paris', 2026, 10, 25, '2026-10-24T22:00:00.000Z'],
    ['Europe/Paris', 2026, 10, 26, '2026-10-25T23:00:00.000Z'],
    ['Asia/Kathmandu', 2026, 11, 29, '2026-11-28T18:15:00.000Z'],
    ['America/New_York', 2026, 11, 1, '2026-11-01T04:00:00.000Z'],
    ['UTC', 2024, 2, 29, '2024-02-29T00:00:00.000Z'],
    ['Europe/Paris', 2026, 13, 1, '2026-12-31T23:00:00.000Z'],
  ])('local midnight in %s of %i-%i-%i is %s', (tz, y, m, d, expected) => {
    expect(iso(fromLocal(tz, y, m, d))).toBe(expected);
  });

  it('offsets follow DST', () => {
    expect(offsetAt(Date.parse('2026-01-10T12:00:00Z'), 'Europe/Paris')).toBe(H);
    expect(offsetAt(Date.parse('2026-07-10T12:00:00Z'), 'Europe/Paris')).toBe(2 * H);
    expect(offsetAt(Date.parse('2026-07-10T12:00:00Z'), 'Asia/Kathmandu')).toBe(5.75 * H);
  });

  it('an hour view spans the local day: 23 h and 25 h on DST days', () => {
    const len = (d: number, m: number) => {
      const s = viewSpan('hour', { year: 2026, month: m, day: d }, 'Europe/Paris');
      return (s.to - s.from) / H;
    };
    expect(len(29, 3)).toBe(23);
    expect(len(25, 10)).toBe(25);
    expect(len(26, 10)).toBe(24);
  });

  it('day and month views span the local month and the local year', () => {
    const day = viewSpan('day', { year: 2026, month: 2, day: 14 }, 'Europe/Paris');
    expect([iso(day.from), iso(day.to)]).toEqual([
      '2026-01-31T23:00:00.000Z',
      '2026-02-28T23:00:00.000Z',
    ]);
    const month = viewSpan('month', { year: 2026, month: 6, day: 3 }, 'Europe/Paris');
    expect([iso(month.from), iso(month.to)]).toEqual([
      '2025-12-31T23:00:00.000Z',
      '2026-12-31T23:00:00.000Z',
    ]);
  });

  it('navigation steps one span and clamps the day to shorter months', () => {
    expect(stepAnchor('hour', { year: 2026, month: 3, day: 1 }, -1)).toEqual({
      year: 2026,
      month: 2,
      day: 28,
    });
    expect(stepAnchor('day', { year: 2026, month: 1, day: 31 }, 1)).toEqual({
      year: 2026,
      month: 2,
      day: 28,
    });
    expect(stepAnchor('day', { year: 2024, month: 3, day: 31 }, -1)).toEqual({
      year: 2024,
      month: 2,
      day: 29,
    });
    expect(stepAnchor('month', { year: 2026, month: 11, day: 29 }, -1)).toEqual({
      year: 2025,
      month: 11,
      day: 29,
    });
  });

  it('never asks for the future, and stops at the contract start', () => {
    const now = Date.parse('2026-11-29T21:50:00Z');
    const today = todayIn('Europe/Paris', now);
    expect(today).toEqual({ year: 2026, month: 11, day: 29 });
    expect(requestSpan('hour', today, 'Europe/Paris', now)).toEqual({
      from: Date.parse('2026-11-28T23:00:00Z'),
      to: now,
    });
    expect(
      requestSpan('hour', { year: 2026, month: 11, day: 30 }, 'Europe/Paris', now),
    ).toBeUndefined();
    expect(hasNext('hour', today, 'Europe/Paris', now)).toBe(false);
    expect(hasNext('hour', { year: 2026, month: 11, day: 28 }, 'Europe/Paris', now)).toBe(true);
    const start = Date.parse('2026-09-29T00:00:00Z');
    expect(hasPrevious('day', { year: 2026, month: 10, day: 1 }, 'Europe/Paris', start)).toBe(true);
    expect(hasPrevious('day', { year: 2026, month: 9, day: 29 }, 'Europe/Paris', start)).toBe(
      false,
    );
  });

  it('titles name the span', () => {
    // ICU versions differ on the comma after the weekday.
    expect(spanTitle('hour', { year: 2026, month: 11, day: 29 }, 'en-GB')).toMatch(
      /^Sunday,? 29 November 2026$/,
    );
    expect(spanTitle('day', { year: 2026, month: 11, day: 29 }, 'en-GB')).toBe('November 2026');
    expect(spanTitle('month', { year: 2026, month: 11, day: 29 }, 'en-GB')).toBe('2026');
  });

  it('the move-out field reads and writes wall times of the contract zone', () => {
    const at = Date.parse('2026-10-25T01:30:00Z');
    expect(toLocalInput(at, 'Europe/Paris')).toBe('2026-10-25T02:30');
    expect(iso(fromLocalInput('2026-11-29T21:15', 'Europe/Paris') ?? 0)).toBe(
      '2026-11-29T20:15:00.000Z',
    );
    expect(fromLocalInput('29/11/2026 21:15', 'Europe/Paris')).toBeUndefined();
  });
});
