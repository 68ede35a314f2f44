import { describe, expect, it } from 'vitest';
import {
  MAX_PERIODS,
  periodContaining,
  periodsBetween,
  type ContractSpan,
} from './billing-periods.js';

const t = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const open = (timezone: string, startsAt = t('2000-01-01T00:00:00Z')): ContractSpan => ({
  startsAt,
  endsAt: null,
  timezone,
});
const span = (start: string, end: string) => ({ start: t(start), end: t(end) });

describe('periodContaining: local calendar months', () => {
  it.each([
    [
      'Europe/Paris',
      '2026-01-15T12:00:00Z',
      '2026-01-01T00:00:00+01:00',
      '2026-02-01T00:00:00+01:00',
    ],
    // March: the clocks go forward on the 29th, the period ends on a CEST midnight (743 h).
    [
      'Europe/Paris',
      '2026-03-29T02:30:00+02:00',
      '2026-03-01T00:00:00+01:00',
      '2026-04-01T00:00:00+02:00',
    ],
    // October: the clocks go back on the 25th (745 h).
    [
      'Europe/Paris',
      '2026-10-25T02:30:00+01:00',
      '2026-10-01T00:00:00+02:00',
      '2026-11-01T00:00:00+01:00',
    ],
    // Leap February 2028: 29 days.
    [
      'Europe/Paris',
      '2028-02-29T23:59:59+01:00',
      '2028-02-01T00:00:00+01:00',
      '2028-03-01T00:00:00+01:00',
    ],
    [
      'Europe/Paris',
      '2027-02-28T23:59:59+01:00',
      '2027-02-01T00:00:00+01:00',
      '2027-03-01T00:00:00+01:00',
    ],
    [
      'America/New_York',
      '2026-03-08T03:00:00-04:00',
      '2026-03-01T00:00:00-05:00',
      '2026-04-01T00:00:00-04:00',
    ],
    [
      'America/New_York',
      '2026-11-30T23:00:00-05:00',
      '2026-11-01T00:00:00-04:00',
      '2026-12-01T00:00:00-05:00',
    ],
    // A UTC instant that is already the next month locally, and one still in the previous month.
    [
      'America/New_York',
      '2026-07-01T02:00:00Z',
      '2026-06-01T00:00:00-04:00',
      '2026-07-01T00:00:00-04:00',
    ],
    [
      'Asia/Kathmandu',
      '2026-05-31T18:30:00Z',
      '2026-06-01T00:00:00+05:45',
      '2026-07-01T00:00:00+05:45',
    ],
    [
      'Asia/Kathmandu',
      '2026-05-31T18:14:59Z',
      '2026-05-01T00:00:00+05:45',
      '2026-06-01T00:00:00+05:45',
    ],
  ])('%s at %s → [%s, %s)', (tz, at, start, end) => {
    expect(periodContaining(open(tz), t(at))).toEqual(span(start, end));
  });

  it('puts an instant exactly on an edge into the period starting there', () => {
    const edge = t('2026-04-01T00:00:00+02:00');
    expect(periodContaining(open('Europe/Paris'), edge)).toEqual(
      span('2026-04-01T00:00:00+02:00', '2026-05-01T00:00:00+02:00'),
    );
    expect(periodContaining(open('Europe/Paris'), edge - 1)).toEqual(
      span('2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00'),
    );
  });
});

describe('contract start and move-out', () => {
  const contract: ContractSpan = {
    startsAt: t('2026-02-17T14:00:00+01:00'),
    endsAt: t('2026-06-17T14:00:00+02:00'),
    timezone: 'Europe/Paris',
  };

  it('starts the first period at the contract start (a short February)', () => {
    expect(periodContaining(contract, t('2026-02-17T14:00:00+01:00'))).toEqual(
      span('2026-02-17T14:00:00+01:00', '2026-03-01T00:00:00+01:00'),
    );
    expect(periodContaining(contract, t('2026-02-28T23:59:59+01:00'))?.start).toBe(
      contract.startsAt,
    );
  });

  it('ends the last period at the move-out, on the 17th at 14:00 local', () => {
    expect(periodContaining(contract, t('2026-06-17T13:59:59+02:00'))).toEqual(
      span('2026-06-01T00:00:00+02:00', '2026-06-17T14:00:00+02:00'),
    );
  });

  it('has no period before the start or from the move-out on', () => {
    expect(periodContaining(contract, contract.startsAt - 1)).toBeUndefined();
    expect(periodContaining(contract, t('2026-06-17T14:00:00+02:00'))).toBeUndefined();
    expect(periodContaining(contract, t('2027-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('lists the contract as contiguous periods from start to move-out', () => {
    expect(periodsBetween(contract, t('2020-01-01T00:00:00Z'), t('2030-01-01T00:00:00Z'))).toEqual([
      span('2026-02-17T14:00:00+01:00', '2026-03-01T00:00:00+01:00'),
      span('2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00'),
      span('2026-04-01T00:00:00+02:00', '2026-05-01T00:00:00+02:00'),
      span('2026-05-01T00:00:00+02:00', '2026-06-01T00:00:00+02:00'),
      span('2026-06-01T00:00:00+02:00', '2026-06-17T14:00:00+02:00'),
    ]);
  });

  it('handles a contract that starts and ends inside one month', () => {
    const short: ContractSpan = {
      startsAt: t('2026-10-03T09:00:00+02:00'),
      endsAt: t('2026-10-28T09:00:00+01:00'),
      timezone: 'Europe/Paris',
    };
    expect(periodsBetween(short, 0, t('2030-01-01T00:00:00Z'))).toEqual([
      { start: short.startsAt, end: short.endsAt },
    ]);
  });
});

describe('periodsBetween', () => {
  it('returns the periods overlapping [from, to), uncut', () => {
    const from = t('2026-10-15T00:00:00Z');
    const to = t('2026-12-01T00:00:00+01:00'); // exclusive: December is not included
    expect(periodsBetween(open('Europe/Paris'), from, to)).toEqual([
      span('2026-10-01T00:00:00+02:00', '2026-11-01T00:00:00+01:00'),
      span('2026-11-01T00:00:00+01:00', '2026-12-01T00:00:00+01:00'),
    ]);
  });

  it('is empty for an empty range or one outside the contract', () => {
    const c: ContractSpan = {
      startsAt: t('2026-02-17T14:00:00+01:00'),
      endsAt: null,
      timezone: 'Europe/Paris',
    };
    expect(periodsBetween(c, t('2026-05-05T00:00:00Z'), t('2026-05-05T00:00:00Z'))).toEqual([]);
    expect(periodsBetween(c, t('2025-01-01T00:00:00Z'), c.startsAt)).toEqual([]);
  });

  it('allows 1,200 periods and refuses more', () => {
    const c = open('America/New_York', t('2000-01-01T00:00:00-05:00'));
    const all = periodsBetween(c, c.startsAt, t('2100-01-01T00:00:00-05:00'));
    expect(all).toHaveLength(MAX_PERIODS);
    for (let i = 1; i < all.length; i++) expect(all[i]?.start).toBe(all[i - 1]?.end);
    expect(() => periodsBetween(c, c.startsAt, t('2100-01-01T00:00:01-05:00'))).toThrow(RangeError);
    expect(() => periodsBetween(c, c.startsAt, t('9000-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('refuses bad input', () => {
    expect(() => periodContaining(open('Mars/Olympus'), 0)).toThrow(RangeError);
    expect(() => periodContaining(open('Europe/Paris'), Number.NaN)).toThrow(RangeError);
    expect(() => periodsBetween(open('Europe/Paris'), 10, 0)).toThrow(RangeError);
    expect(() => periodContaining({ startsAt: 10, endsAt: 10, timezone: 'UTC' }, 10)).toThrow(
      RangeError,
    );
  });
});
