import { describe, expect, it } from 'vitest';
import {
  dateTimeNumbers,
  instantTime,
  isoReadingTime,
  localTime,
  millisecondsOf,
  receivedTime,
} from './reading-time.js';

const RECEIVED = Date.UTC(2026, 10, 29, 18, 20, 0);
const received = { ok: true, value: { ts: RECEIVED, tsSource: 'received' } };
const meter = (ts: number) => ({ ok: true, value: { ts, tsSource: 'meter' } });

const paris = (fields: Partial<Parameters<typeof localTime>[0]>, dst?: boolean) =>
  localTime(
    { year: 2026, month: 11, day: 29, hour: 18, minute: 15, second: 0, ...fields },
    { zone: 'Europe/Paris', receivedAt: RECEIVED, dst, label: () => 'T "x"' },
  );

describe('reading time of an instant', () => {
  it("is the meter's time from 2000 on, the receipt before", () => {
    expect(instantTime(Date.UTC(2000, 0, 1), RECEIVED)).toEqual(meter(Date.UTC(2000, 0, 1)));
    expect(instantTime(Date.UTC(2000, 0, 1) - 1, RECEIVED)).toEqual(received);
    expect(instantTime(0, RECEIVED)).toEqual(received);
    expect(receivedTime(RECEIVED)).toEqual(received);
  });
});

describe('reading time of a local time', () => {
  it("resolves in the meter's zone", () => {
    expect(paris({})).toEqual(meter(Date.UTC(2026, 10, 29, 17, 15))); // CET, UTC+1
    expect(paris({ month: 7, day: 1, hour: 12, minute: 0, millisecond: 5 })).toEqual(
      meter(Date.UTC(2026, 6, 1, 10, 0, 0, 5)), // CEST, UTC+2
    );
  });

  it('takes the receipt inside the repeated hour, unless a summer/winter flag tells which', () => {
    // 2026-10-25: Paris goes from 03:00+02:00 back to 02:00+01:00.
    const repeated = { month: 10, day: 25, hour: 2, minute: 30 };
    expect(paris(repeated)).toEqual(received);
    expect(paris(repeated, true)).toEqual(meter(Date.UTC(2026, 9, 25, 0, 30)));
    expect(paris(repeated, false)).toEqual(meter(Date.UTC(2026, 9, 25, 1, 30)));
  });

  it('rejects a time inside the skipped hour as invalid_local_time, naming it and the zone', () => {
    // 2026-03-29: Paris goes from 02:00+01:00 to 03:00+02:00.
    expect(paris({ month: 3, day: 29, hour: 2, minute: 30 })).toEqual({
      ok: false,
      reason: 'invalid_local_time',
      detail: 'T "x" falls in the hour skipped when clocks go forward in Europe/Paris',
    });
  });

  it('takes the receipt for a clock never set, before 2000, without resolving it', () => {
    expect(paris({ year: 1970, month: 1, day: 1, hour: 0 })).toEqual(received);
    // 2000-01-01 00:30 in Paris is still 1999 in UTC.
    expect(paris({ year: 2000, month: 1, day: 1, hour: 0, minute: 30 })).toEqual(received);
    // Not even a 1970 time inside that year's skipped hour (New York, 26 April 1970) is rejected:
    // a clock that was never set says nothing about DST.
    expect(
      localTime(
        { year: 1970, month: 4, day: 26, hour: 2, minute: 30, second: 0 },
        { zone: 'America/New_York', receivedAt: RECEIVED, label: () => 'T' },
      ),
    ).toEqual(received);
  });

  it('rejects what is not a calendar time, or a zone that is not one, as invalid_schema', () => {
    expect(paris({ month: 2, day: 30 })).toMatchObject({
      ok: false,
      reason: 'invalid_schema',
      detail: 'T "x" is not a calendar time',
    });
    const zoneless = localTime(
      { year: 2026, month: 11, day: 29, hour: 18, minute: 15, second: 0 },
      { zone: 'Not/AZone', receivedAt: RECEIVED, label: () => 'T' },
    );
    expect(zoneless).toMatchObject({ ok: false, reason: 'invalid_schema' });
    expect(zoneless.ok ? '' : zoneless.detail).toContain('"Not/AZone" is not an IANA zone');
  });
});

describe('reading time of an ISO 8601 text', () => {
  const iso = (text: string) =>
    isoReadingTime(text, { zone: 'Europe/Paris', receivedAt: RECEIVED, label: () => `T ${text}` });

  it('reads an offset or Z as an instant, and no offset as local time', () => {
    expect(iso('2026-11-29T18:15:00+01:00')).toEqual(meter(Date.UTC(2026, 10, 29, 17, 15)));
    expect(iso('2026-11-29T17:15:00Z')).toEqual(meter(Date.UTC(2026, 10, 29, 17, 15)));
    expect(iso('2026-11-29T18:15:00')).toEqual(meter(Date.UTC(2026, 10, 29, 17, 15)));
    expect(iso('2026-11-29T18:15:00.123456789')).toEqual(
      meter(Date.UTC(2026, 10, 29, 17, 15, 0, 123)),
    );
    expect(iso('1970-01-01T01:00:12+01:00')).toEqual(received);
  });

  it('rejects an impossible date, and leaves other shapes to the format', () => {
    expect(iso('2026-02-30T10:00:00+01:00')).toMatchObject({ reason: 'invalid_schema' });
    expect(iso('2026-02-30T10:00:00')).toMatchObject({ reason: 'invalid_schema' });
    for (const text of ['2026-11-29 18:15:00', '2026-11-29t18:15:00z', 'yesterday', '']) {
      expect(iso(text), text).toBeUndefined();
    }
  });
});

describe('date-time digits', () => {
  it('reads six groups as numbers and a fraction as whole milliseconds', () => {
    const m = /^(.)(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec('H081225223518')!;
    expect(dateTimeNumbers(m, 2)).toEqual([8, 12, 25, 22, 35, 18]);
    expect(millisecondsOf(undefined)).toBe(0);
    expect(millisecondsOf('5')).toBe(500);
    expect(millisecondsOf('123999')).toBe(123);
  });
});
