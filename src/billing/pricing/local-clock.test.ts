import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localClock } from './local-clock.js';

const Q = 900_000;

describe('localClock', () => {
  it.each([
    ['Europe/Paris', '2026-01-01T00:00Z', '2027-01-01T00:00Z'],
    ['America/New_York', '2026-01-01T00:00Z', '2027-01-01T00:00Z'],
    ['Australia/Lord_Howe', '2026-01-01T00:00Z', '2027-01-01T00:00Z'], // half-hour clock changes
    ['Asia/Kathmandu', '2026-01-01T00:00Z', '2026-03-01T00:00Z'], // +05:45
    // DST for 6.875 days in Oct 2000
    ['America/Boa_Vista', '2000-09-01T00:00Z', '2000-12-01T00:00Z'],
    ['America/Santiago', '2026-03-01T00:00Z', '2026-10-01T00:00Z'], // clock changes at midnight
  ])('agrees with luxon at every quarter hour in %s from %s', (tz, from, to) => {
    const clock = localClock(tz);
    const wrong: string[] = [];
    for (let t = Date.parse(from); t < Date.parse(to); t += Q) {
      const dt = DateTime.fromMillis(t, { zone: tz });
      const got = clock(t);
      if (got.weekday !== dt.weekday - 1 || got.minuteOfDay !== dt.hour * 60 + dt.minute)
        wrong.push(new Date(t).toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it('answers instants asked out of order', () => {
    const clock = localClock('Europe/Paris');
    // 2026-10-25 is a Sunday: 00:00Z is 02:00 CEST, 01:00Z is 02:00 CET (the repeated hour).
    expect(clock(Date.parse('2026-10-25T01:00Z'))).toEqual({ weekday: 6, minuteOfDay: 120 });
    expect(clock(Date.parse('2026-10-25T00:00Z'))).toEqual({ weekday: 6, minuteOfDay: 120 });
    // 02:00 CET does not exist: 03:00 CEST
    expect(clock(Date.parse('2026-03-29T01:00Z'))).toEqual({ weekday: 6, minuteOfDay: 180 });
    expect(clock(Date.parse('2026-10-25T22:45Z'))).toEqual({
      weekday: 6,
      minuteOfDay: 23 * 60 + 45,
    });
  });

  it('agrees with luxon at instants asked in any order, zones and readers interleaved', () => {
    const zones = ['Europe/Paris', 'America/Santiago', 'Australia/Lord_Howe', 'America/Boa_Vista'];
    const from = Date.parse('1999-06-01T00:00Z');
    const span = Date.parse('2031-01-01T00:00Z') - from;
    // A fixed pseudo-random sequence: the same instants on every run.
    let seed = 12_345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const readers = zones.flatMap((tz) => [localClock(tz), localClock(tz)].map((c) => ({ tz, c })));
    const wrong: string[] = [];
    for (let k = 0; k < 20_000; k += 1) {
      const { tz, c } = readers[Math.floor(next() * readers.length)]!;
      const t = from + Math.floor(next() * (span / 60_000)) * 60_000;
      const dt = DateTime.fromMillis(t, { zone: tz });
      const got = c(t);
      if (got.weekday !== dt.weekday - 1 || got.minuteOfDay !== dt.hour * 60 + dt.minute)
        wrong.push(`${tz} ${new Date(t).toISOString()}`);
    }
    expect(wrong).toEqual([]);
  });
});
