import { describe, expect, it } from 'vitest';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { computeConsumption } from '../../consumption/buckets.js';
import type { Reading } from '../../readings/reading.js';
import { tariffSchema } from '../tariff-schema.js';
import { PricingInputError } from './errors.js';
import { intervalsFromReadings } from './intervals-from-readings.js';
import { priceBill } from './price-bill.js';

const t = (iso: string) => Date.parse(iso);
const r = (iso: string, importWh: number, exportWh?: number): Reading => ({
  meterId: 'm',
  ts: t(iso),
  importWh,
  exportWh,
  receivedAt: 0,
});
const range = (from: string, to: string) => ({ start: t(from), end: t(to) });

describe('intervalsFromReadings', () => {
  it('interpolates the index at each quarter-hour edge in exact milli-Wh', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0, 0),
      r('2026-01-01T00:07Z', 10, 3),
      r('2026-01-01T00:22Z', 11, 3),
      r('2026-01-01T00:40Z', 31, 8),
      r('2026-01-01T01:00Z', 40, 9),
    ];
    const { intervals, missing } = intervalsFromReadings(
      readings,
      range('2026-01-01T00:00Z', '2026-01-01T01:00Z'),
    );
    // index(00:15) = 10 + 1 × 8/15 = 10.5333… → 10.533 Wh;
    // index(00:30) = 11 + 20 × 8/18 = 19.888… → 19.889;
    // index(00:45) = 31 + 9 × 5/20 = 33.25
    expect(
      intervals.map((i) => [new Date(i.start).toISOString().slice(11, 16), i.importMwh]),
    ).toEqual([
      ['00:00', 10_533n],
      ['00:15', 9_356n],
      ['00:30', 13_361n],
      ['00:45', 6_750n],
    ]);
    // the differences telescope
    expect(intervals.reduce((s, i) => s + i.importMwh, 0n)).toBe(40_000n);
    expect(missing).toEqual([]);
  });

  it('gives the numbers the consumption API shows for the same quarter hours', () => {
    const readings = [
      r('2026-10-24T21:53Z', 1000, 0),
      r('2026-10-25T00:31Z', 1900, 12),
      r('2026-10-25T01:02Z', 2011, 12),
      r('2026-10-25T03:17Z', 2800, 40),
      r('2026-10-25T05:00Z', 3100, 41),
    ];
    const from = t('2026-10-24T22:00Z');
    const to = t('2026-10-25T05:00Z');
    const buckets = computeConsumption({
      readings,
      from,
      to,
      groupBy: '15m',
      tz: 'Europe/Paris',
    }).buckets;
    const { intervals } = intervalsFromReadings(readings, { start: from, end: to });
    const wh = (mwh: bigint | null) => (mwh === null ? null : Number(mwh) / 1000);
    expect(intervals.map((i) => [i.start, wh(i.importMwh), wh(i.exportMwh)])).toEqual(
      buckets.map((b) => [b.start, b.importWh, b.exportWh]),
    );
  });

  it('leaves out and reports the intervals whose index is unknown at an end, without extrapolating', () => {
    const readings = [r('2026-01-01T00:10Z', 0), r('2026-01-01T00:50Z', 40)];
    const { intervals, missing } = intervalsFromReadings(
      readings,
      range('2026-01-01T00:00Z', '2026-01-01T01:30Z'),
    );
    // index known on [00:10, 00:50]:
    // only the quarter hours 00:15–00:30 and 00:30–00:45 have both ends
    expect(
      intervals.map((i) => [new Date(i.start).toISOString().slice(11, 16), i.importMwh]),
    ).toEqual([
      ['00:15', 15_000n],
      ['00:30', 15_000n],
    ]);
    expect(missing).toEqual([
      range('2026-01-01T00:00Z', '2026-01-01T00:15Z'),
      range('2026-01-01T00:45Z', '2026-01-01T01:30Z'),
    ]);
    expect(intervalsFromReadings([], range('2026-01-01T00:00Z', '2026-01-01T01:00Z'))).toEqual({
      intervals: [],
      missing: [range('2026-01-01T00:00Z', '2026-01-01T01:00Z')],
    });
  });

  it('marks export unknown where a bounding reading lacks it', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      r('2026-01-01T00:15Z', 10, 5),
      r('2026-01-01T00:30Z', 20, 9),
    ];
    const { intervals } = intervalsFromReadings(
      readings,
      range('2026-01-01T00:00Z', '2026-01-01T00:30Z'),
    );
    expect(intervals.map((i) => i.exportMwh)).toEqual([null, 4_000n]);
  });

  it('refuses period bounds off the quarter-hour grid', () => {
    expect(() =>
      intervalsFromReadings([], range('2026-01-01T00:05Z', '2026-01-01T01:00Z')),
    ).toThrow(PricingInputError);
    expect(() =>
      intervalsFromReadings([], range('2026-01-01T01:00Z', '2026-01-01T00:00Z')),
    ).toThrow(PricingInputError);
  });

  it('feeds priceBill: readings every hour over a Paris day, HC 22:00–06:00', () => {
    // A register rising 1 kWh per hour, read on the hour from 2026-10-01 00:00 to 24:00 (CEST):
    // 24 kWh, 8 of them in HC (00:00–06:00, 22:00–24:00) and 16 in HP.
    const readings = Array.from({ length: 25 }, (_, h) => ({
      meterId: 'm',
      ts: t('2026-10-01T00:00+02:00') + h * 3_600_000,
      importWh: 1000 * h,
      receivedAt: 0,
    }));
    const period = range('2026-10-01T00:00+02:00', '2026-10-02T00:00+02:00');
    const { intervals, missing } = intervalsFromReadings(readings, period);
    expect(missing).toEqual([]);
    const bill = priceBill({
      tariff: tariffSchema.parse(DESIGN_TARIFF),
      period,
      tz: 'Europe/Paris',
      intervals,
    });
    expect(bill.lines.map((l) => [l.band ?? l.kind, l.quantity, l.amount])).toEqual([
      ['HP', '16.000', '3.33'], // 16 × 0.2081 = 3.3296
      ['HC', '8.000', '1.31'], // 8 × 0.1635 = 1.308
      ['standing_charge', '1.0000', '0.45'], // 0.4512
      ['tax', '24.000', '0.54'], // Excise 24 × 0.0225 = 0.54
      ['tax', '5.63', '1.13'], // VAT: 3.33 + 1.31 + 0.45 + 0.54 = 5.63; × 0.2 = 1.126 → 1.13
    ]);
    expect(bill.total).toBe('6.76');
  });
});
