import { describe, expect, it } from 'vitest';
import { resolveLocalTime } from './local-time.js';

const at = (y: number, mo: number, d: number, h: number, mi: number) => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
  second: 0,
});

describe('resolveLocalTime', () => {
  it.each([
    ['an ordinary summer time', at(2026, 7, 1, 12, 0), undefined, Date.UTC(2026, 6, 1, 10, 0)],
    ['an ordinary winter time', at(2026, 1, 15, 8, 30), undefined, Date.UTC(2026, 0, 15, 7, 30)],
    ['just after the spring gap', at(2026, 3, 29, 3, 0), undefined, Date.UTC(2026, 2, 29, 1, 0)],
    [
      'the first 02:30 of 25 October (summer)',
      at(2026, 10, 25, 2, 30),
      true,
      Date.UTC(2026, 9, 25, 0, 30),
    ],
    [
      'the second 02:30 of 25 October (winter)',
      at(2026, 10, 25, 2, 30),
      false,
      Date.UTC(2026, 9, 25, 1, 30),
    ],
  ])('%s in Paris is one instant', (_name, fields, dst, ts) => {
    expect(resolveLocalTime(fields, 'Europe/Paris', dst)).toEqual({ kind: 'instant', ts });
  });

  it('the repeated hour without a flag is ambiguous; the skipped hour is a gap', () => {
    expect(resolveLocalTime(at(2026, 10, 25, 2, 30), 'Europe/Paris')).toEqual({
      kind: 'ambiguous',
    });
    expect(resolveLocalTime(at(2026, 3, 29, 2, 30), 'Europe/Paris')).toEqual({ kind: 'gap' });
    // Lord Howe moves by 30 minutes.
    expect(resolveLocalTime(at(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toEqual({
      kind: 'gap',
    });
  });

  it('a zone without DST has neither, and an impossible calendar time is invalid', () => {
    expect(resolveLocalTime(at(2026, 3, 29, 2, 30), 'UTC')).toEqual({
      kind: 'instant',
      ts: Date.UTC(2026, 2, 29, 2, 30),
    });
    expect(resolveLocalTime(at(2026, 2, 30, 12, 0), 'Europe/Paris')).toEqual({ kind: 'invalid' });
    expect(resolveLocalTime(at(2026, 1, 1, 25, 0), 'Europe/Paris')).toEqual({ kind: 'invalid' });
  });
});
