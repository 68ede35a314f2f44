import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { AppError } from '../shared/app-error.js';
import { allows, coarser, parseConsent } from './consent.js';
import { consentedConsumption } from './consented-consumption.js';

const H = 3_600_000;
// Paris, 2026-11-01 (a Sunday) to the 3rd at 10:00 local; 100 Wh an hour, readings hourly.
const from = Date.parse('2026-10-31T23:00:00Z');
const latest = Date.parse('2026-11-03T09:00:00Z');
const readings: Reading[] = Array.from({ length: (latest - from) / H + 1 }, (_, i) => ({
  meterId: 'm',
  ts: from + i * H,
  importWh: 1000 + 100 * i,
  receivedAt: from,
}));
const base = {
  readings,
  from,
  to: Date.parse('2026-11-30T23:00:00Z'),
  tz: 'Europe/Paris',
  contractTz: 'Europe/Paris',
};
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? { code: e.code, ...e.details } : e;
  }
  return undefined;
};

describe('consent levels', () => {
  it.each([
    ['month', 'month', true],
    ['month', 'day', false],
    ['day', 'month', true],
    ['day', 'interval', false],
    ['interval', 'day', true],
  ] as const)('%s covers %s: %s', (given, needed, ok) => {
    expect(allows(given, needed)).toBe(ok);
  });
  it('reads an unknown stored value as the most restrictive level, and orders levels', () => {
    expect([parseConsent('interval'), parseConsent('weekly'), parseConsent(null)]).toEqual([
      'interval',
      'month',
      'month',
    ]);
    expect([coarser('interval', 'day'), coarser('month', 'day')]).toEqual(['day', 'month']);
  });
});

describe('consentedConsumption', () => {
  it.each([
    ['month', 'day', 'day'],
    ['month', 'hour', 'interval'],
    ['day', '15m', 'interval'],
    ['day', 'hour', 'interval'],
  ] as const)('%s consent refuses %s buckets, naming %s', (consent, groupBy, requiredConsent) => {
    expect(refusal(() => consentedConsumption({ ...base, consent, groupBy }))).toEqual({
      code: 'consent_required',
      requiredConsent,
      consent,
    });
  });

  it("below interval refuses another zone than the contract's, whatever the bucket size", () => {
    expect(
      refusal(() => consentedConsumption({ ...base, consent: 'day', groupBy: 'month', tz: 'UTC' })),
    ).toMatchObject({ requiredConsent: 'interval' });
    expect(
      consentedConsumption({ ...base, consent: 'day', groupBy: 'day', tz: 'europe/paris' }).buckets,
    ).toHaveLength(30);
    expect(
      consentedConsumption({ ...base, consent: 'interval', groupBy: 'day', tz: 'UTC' }).buckets,
    ).toHaveLength(31);
  });

  it('a running month shows its days that are over (day consent), nothing (month consent), everything (interval)', () => {
    const twoDays = 2 * 24 * 100;
    const day = consentedConsumption({ ...base, consent: 'day', groupBy: 'month' });
    expect(day.buckets).toEqual([
      expect.objectContaining({ quality: 'partial', importWh: twoDays }),
    ]);
    expect(day.totals.importWh).toBe(twoDays);
    const month = consentedConsumption({ ...base, consent: 'month', groupBy: 'month' });
    expect(month.buckets).toEqual([
      expect.objectContaining({ quality: 'partial', importWh: null, exportWh: null }),
    ]);
    expect(month.totals).toEqual({ importWh: 0, exportWh: null });
    const interval = consentedConsumption({ ...base, consent: 'interval', groupBy: 'month' });
    expect(interval.buckets[0]?.importWh).toBe(twoDays + 10 * 100);
  });

  it('a running day is null below interval; days that are over keep their exact value', () => {
    const days = consentedConsumption({ ...base, consent: 'day', groupBy: 'day' }).buckets;
    expect(days.slice(0, 3).map((b) => [b.importWh, b.quality])).toEqual([
      [2400, 'measured'],
      [2400, 'measured'],
      [null, 'partial'],
    ]);
    expect(days.slice(3).every((b) => b.quality === 'partial' && b.importWh === null)).toBe(true);
  });
});
