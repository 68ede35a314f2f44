/**
 * Worked examples of docs/design.md §5 rounding, computed by hand: VAT on the rounded lines,
 * currencies with 0 and 3 minor digits, the export credit, and exact halves (positive and negative)
 * rounded away from zero.
 */
import { describe, expect, it } from 'vitest';
import { addsUp, brief, Q, t } from '../../../test/support/pricing.js';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { tariffSchema, type TariffInput } from '../tariff-schema.js';
import type { PricedInterval } from './bill.js';
import { priceBill } from './price-bill.js';

const quarters = (
  from: string,
  to: string,
  f: (start: number, i: number) => [bigint, bigint | null],
): PricedInterval[] =>
  Array.from({ length: (t(to) - t(from)) / Q }, (_, i) => {
    const [importMwh, exportMwh] = f(t(from) + i * Q, i);
    return { start: t(from) + i * Q, importMwh, exportMwh };
  });
const flat = (
  currency: string,
  validFrom: string,
  v: Omit<TariffInput['versions'][number], 'validFrom' | 'energy'>,
  rate: string,
) =>
  tariffSchema.parse({
    name: 'Flat',
    currency,
    versions: [{ validFrom, energy: { type: 'flat', rate }, ...v }],
  });

describe('priceBill: rounding', () => {
  it('charges VAT on the rounded lines, which differs from VAT on the unrounded sum', () => {
    // 10 days in UTC, 960 quarter hours of 20 000 mWh, the first 879 500 mWh:
    // 959 × 20 000 + 879 500 = 20 059 500 mWh = 20.0595 kWh → 20.060 (an exact half Wh, rounded up)
    const tariff = flat(
      'EUR',
      '2026-01-01T00:00:00Z',
      { standingChargePerDay: '0.5009', taxes: [{ name: 'VAT', percent: '20' }] },
      '0.25',
    );
    const intervals = quarters('2026-03-01T00:00Z', '2026-03-11T00:00Z', (_, i) => [
      i === 0 ? 879_500n : 20_000n,
      null,
    ]);
    const bill = priceBill({
      tariff,
      period: { start: t('2026-03-01T00:00Z'), end: t('2026-03-11T00:00Z') },
      tz: 'UTC',
      intervals,
    });
    expect(brief(bill)).toEqual([
      // 20.060 × 0.25 = 5.015, an exact half → 5.02
      ['Energy 2026-03-01 – 2026-03-10', '20.060', '0.25', '5.02'],
      // 10 × 0.5009 = 5.009 → 5.01
      ['Standing charge 2026-03-01 – 2026-03-10 (10 days)', '10.0000', '0.5009', '5.01'],
      ['VAT 20 %', '10.03', '0.2', '2.01'], // (5.02 + 5.01) = 10.03 × 0.2 = 2.006 → 2.01
    ]);
    // VAT on the unrounded lines would be (5.015 + 5.009) × 0.2 = 2.0048 → 2.00, and the unrounded
    // total 12.0288 → 12.03: neither adds up to the lines a customer reads.
    // Rounded lines give 12.04.
    expect([bill.subtotal, bill.total]).toEqual(['10.03', '12.04']);
    addsUp(bill);
  });

  it('prices JPY, a currency without minor digits, to the yen', () => {
    // 30 days in Tokyo, 2880 quarter hours of 100 Wh, the first 500 Wh: 288.400 kWh
    const tariff = flat(
      'JPY',
      '2026-01-01T00:00:00+09:00',
      { standingChargePerDay: '35.5', taxes: [{ name: 'Consumption tax', percent: '10' }] },
      '31.25',
    );
    const intervals = quarters('2026-09-01T00:00+09:00', '2026-10-01T00:00+09:00', (_, i) => [
      i === 0 ? 500_000n : 100_000n,
      null,
    ]);
    const bill = priceBill({
      tariff,
      period: { start: t('2026-09-01T00:00+09:00'), end: t('2026-10-01T00:00+09:00') },
      tz: 'Asia/Tokyo',
      intervals,
    });
    expect(brief(bill)).toEqual([
      // 288.4 × 31.25 = 9012.5, an exact half → 9013
      ['Energy 2026-09-01 – 2026-09-30', '288.400', '31.25', '9013'],
      // 30 × 35.5 = 1065
      ['Standing charge 2026-09-01 – 2026-09-30 (30 days)', '30.0000', '35.5', '1065'],
      // 9013 + 1065 = 10078; × 0.1 = 1007.8 → 1008
      ['Consumption tax 10 %', '10078', '0.1', '1008'],
    ]);
    expect(bill.lines[2]?.unit).toBe('JPY');
    expect([bill.currency, bill.subtotal, bill.total]).toEqual(['JPY', '10078', '11086']);
    addsUp(bill);
  });

  it('prices KWD, a currency with 3 minor digits, to the fils', () => {
    // one UTC day of 96 quarter hours of 150 Wh = 14.400 kWh
    const tariff = flat(
      'KWD',
      '2026-01-01T00:00:00Z',
      { standingChargePerDay: '0.1005' },
      '0.0345',
    );
    const bill = priceBill({
      tariff,
      period: { start: t('2026-01-01T00:00Z'), end: t('2026-01-02T00:00Z') },
      tz: 'UTC',
      intervals: quarters('2026-01-01T00:00Z', '2026-01-02T00:00Z', () => [150_000n, null]),
    });
    expect(brief(bill).map((l) => l[3])).toEqual([
      '0.497', // 14.4 × 0.0345 = 0.4968 → 0.497
      '0.101', // 1 × 0.1005, an exact half → 0.101
    ]);
    expect(bill.total).toBe('0.598');
    addsUp(bill);
  });

  it('credits export as a negative line, inside the VAT base', () => {
    // June 2026 in Paris (30 days, CEST = UTC+2),
    // 2880 quarter hours of 200 Wh import = 576.000 kWh:
    // HC 8 h a day = 960 quarter hours = 192.000 kWh, HP 1920 = 384.000 kWh.
    // Export 333 Wh in each quarter hour of 12:00–14:00 local (10:00–12:00 UTC):
    // 8 × 333 × 30 = 79 920 Wh.
    const intervals = quarters('2026-06-01T00:00+02:00', '2026-07-01T00:00+02:00', (start) => [
      200_000n,
      [10, 11].includes(new Date(start).getUTCHours()) ? 333_000n : 0n,
    ]);
    const bill = priceBill({
      tariff: tariffSchema.parse(DESIGN_TARIFF),
      period: { start: t('2026-06-01T00:00+02:00'), end: t('2026-07-01T00:00+02:00') },
      tz: 'Europe/Paris',
      intervals,
    });
    expect(brief(bill)).toEqual([
      ['Energy HP 2026-06-01 – 2026-06-30', '384.000', '0.2081', '79.91'], // 384 × 0.2081 = 79.9104
      ['Energy HC 2026-06-01 – 2026-06-30', '192.000', '0.1635', '31.39'], // 192 × 0.1635 = 31.392
      ['Standing charge 2026-06-01 – 2026-06-30 (30 days)', '30.0000', '0.4512', '13.54'], // 13.536
      // 79.92 × 0.04 = 3.1968 → -3.20
      ['Export credit 2026-06-01 – 2026-06-30', '79.920', '-0.0400', '-3.20'],
      // 576 × 0.0225 = 12.96, on import only
      ['Excise 2026-06-01 – 2026-06-30', '576.000', '0.0225', '12.96'],
      // 79.91 + 31.39 + 13.54 − 3.20 + 12.96 = 134.60; × 0.2 = 26.92
      // (without the credit: 137.80 → 27.56)
      ['VAT 20 %', '134.60', '0.2', '26.92'],
    ]);
    expect(bill.lines[3]?.kind).toBe('export_credit');
    expect([bill.subtotal, bill.total]).toEqual(['134.60', '161.52']);
    addsUp(bill);
  });

  it('rounds negative exact halves away from zero', () => {
    // One UTC day, no import, 30.625 kWh exported in one quarter hour.
    const tariff = flat(
      'EUR',
      '2026-01-01T00:00:00Z',
      {
        standingChargePerDay: '0.23',
        exportRate: '0.04',
        taxes: [{ name: 'VAT', percent: '5.5' }],
      },
      '0.10',
    );
    const intervals = quarters('2026-01-01T00:00Z', '2026-01-02T00:00Z', (_, i) => [
      0n,
      i === 40 ? 30_625_000n : 0n,
    ]);
    const bill = priceBill({
      tariff,
      period: { start: t('2026-01-01T00:00Z'), end: t('2026-01-02T00:00Z') },
      tz: 'UTC',
      intervals,
    });
    expect(brief(bill)).toEqual([
      // no energy line: 0.000 kWh
      ['Standing charge 2026-01-01 (1 day)', '1.0000', '0.23', '0.23'],
      // −30.625 × 0.04 = −1.225 → −1.23 (half-even: −1.22)
      ['Export credit 2026-01-01', '30.625', '-0.04', '-1.23'],
      ['VAT 5.5 %', '-1.00', '0.055', '-0.06'], // (0.23 − 1.23) = −1.00 × 0.055 = −0.055 → −0.06
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['-1.00', '-1.06']);
    addsUp(bill);
  });

  it('leaves out zero lines but keeps the standing charge, and shows no export line without an export rate', () => {
    const tariff = flat(
      'EUR',
      '2026-01-01T00:00:00Z',
      { standingChargePerDay: '0.5', taxes: [{ name: 'Excise', perKwh: '0.02' }] },
      '0.2',
    );
    const intervals = quarters('2026-01-01T00:00Z', '2026-01-02T00:00Z', () => [0n, 1_000_000n]);
    const bill = priceBill({
      tariff,
      period: { start: t('2026-01-01T00:00Z'), end: t('2026-01-02T00:00Z') },
      tz: 'UTC',
      intervals,
    });
    expect(brief(bill)).toEqual([['Standing charge 2026-01-01 (1 day)', '1.0000', '0.5', '0.50']]);
    addsUp(bill);
  });
});
