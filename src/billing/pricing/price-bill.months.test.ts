/**
 * Worked examples of docs/design.md §5, computed by hand in the comments: whole months, a DST month
 * with a wrapping time-of-use window, a move-out, February in a leap year. Each bill is also
 * checked to add up.
 */
import { describe, expect, it } from 'vitest';
import { addsUp, brief, constant, t } from '../../../test/support/pricing.js';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { tariffSchema } from '../tariff-schema.js';
import { priceBill } from './price-bill.js';

const DESIGN = tariffSchema.parse(DESIGN_TARIFF);
const FLAT = tariffSchema.parse({
  name: 'Flat',
  currency: 'EUR',
  versions: [
    {
      validFrom: '2026-01-01T00:00:00+01:00',
      standingChargePerDay: '0.4512',
      energy: { type: 'flat', rate: '0.2516' },
      taxes: [
        { name: 'Excise', perKwh: '0.0225' },
        { name: 'VAT', percent: '20' },
      ],
    },
  ],
});
const V1 = '2026-01-01T00:00:00+01:00';

describe('priceBill: worked months', () => {
  it('a flat month of 31 days, 312.456 kWh', () => {
    // 2976 quarter hours;
    // 2975 × 105 000 mWh + 81 499 mWh = 312 456 499 mWh = 312.456499 kWh → 312.456
    const intervals = constant('2026-01-01T00:00+01:00', '2026-02-01T00:00+01:00', 105_000n);
    intervals[intervals.length - 1] = { ...intervals[intervals.length - 1]!, importMwh: 81_499n };
    const bill = priceBill({
      tariff: FLAT,
      period: { start: t('2026-01-01T00:00+01:00'), end: t('2026-02-01T00:00+01:00') },
      tz: 'Europe/Paris',
      intervals,
    });
    expect(bill).toEqual({
      currency: 'EUR',
      lines: [
        // 312.456 × 0.2516 = 78.6139296 → 78.61
        {
          kind: 'energy',
          description: 'Energy 2026-01-01 – 2026-01-31',
          quantity: '312.456',
          unit: 'kWh',
          unitPrice: '0.2516',
          amount: '78.61',
          versionFrom: V1,
        },
        // 31 × 0.4512 = 13.9872 → 13.99
        {
          kind: 'standing_charge',
          description: 'Standing charge 2026-01-01 – 2026-01-31 (31 days)',
          quantity: '31.0000',
          unit: 'day',
          unitPrice: '0.4512',
          amount: '13.99',
          versionFrom: V1,
        },
        // 312.456 × 0.0225 = 7.03026 → 7.03
        {
          kind: 'tax',
          description: 'Excise 2026-01-01 – 2026-01-31',
          quantity: '312.456',
          unit: 'kWh',
          unitPrice: '0.0225',
          amount: '7.03',
          versionFrom: V1,
        },
        // (78.61 + 13.99 + 7.03) = 99.63; × 20 / 100 = 19.926 → 19.93
        {
          kind: 'tax',
          description: 'VAT 20 %',
          quantity: '99.63',
          unit: 'EUR',
          unitPrice: '0.2',
          amount: '19.93',
        },
      ],
      subtotal: '99.63',
      total: '119.56', // 99.63 + 19.93
    });
    addsUp(bill);
  });

  it('a time-of-use month in Europe/Paris with the 25-hour day of 2026-10-25, HC 22:00–06:00', () => {
    // 31 days + 1 h = 745 h = 2980 quarter hours of 250 Wh: 745.000 kWh.
    // HC: 8 h every day (00:00–06:00 and 22:00–24:00) = 248 h, plus the repeated 02:00–03:00 of the
    // 25th (02:00 CET reads 02:00 again, < 06:00): 249 h × 4 × 0.25 kWh = 249.000 kWh.
    // HP: 16 h every day = 496 h → 496.000 kWh. Check: 249 + 496 = 745.
    const period = { start: t('2026-10-01T00:00+02:00'), end: t('2026-11-01T00:00+01:00') };
    const bill = priceBill({
      tariff: DESIGN,
      period,
      tz: 'Europe/Paris',
      intervals: constant('2026-10-01T00:00+02:00', '2026-11-01T00:00+01:00', 250_000n),
    });
    expect(brief(bill)).toEqual([
      // 496 × 0.2081 = 103.2176 → 103.22
      ['Energy HP 2026-10-01 – 2026-10-31', '496.000', '0.2081', '103.22'],
      // 249 × 0.1635 = 40.7115 → 40.71
      ['Energy HC 2026-10-01 – 2026-10-31', '249.000', '0.1635', '40.71'],
      // the 25-hour day is one day: 31 × 0.4512 = 13.9872
      ['Standing charge 2026-10-01 – 2026-10-31 (31 days)', '31.0000', '0.4512', '13.99'],
      // 745 × 0.0225 = 16.7625 → 16.76
      ['Excise 2026-10-01 – 2026-10-31', '745.000', '0.0225', '16.76'],
      // 103.22 + 40.71 + 13.99 + 16.76 = 174.68; × 0.2 = 34.936 → 34.94
      ['VAT 20 %', '174.68', '0.2', '34.94'],
    ]);
    expect(bill.lines.map((l) => l.band)).toEqual(['HP', 'HC', undefined, undefined, undefined]);
    expect([bill.subtotal, bill.total]).toEqual(['174.68', '209.62']); // 174.68 + 34.94
    addsUp(bill);
  });

  it('a move-out on the 17th at 14:00 local', () => {
    // [Oct 1 00:00, Oct 17 14:00) CEST: 16 days + 14 h = 398 h
    // = 1592 quarter hours of 250 Wh = 398.000 kWh.
    // HC: 16 × 8 h + the 17th's 00:00–06:00 = 134 h → 134.000 kWh;
    // HP: 16 × 16 h + 06:00–14:00 = 264 h → 264.000 kWh.
    const period = { start: t('2026-10-01T00:00+02:00'), end: t('2026-10-17T14:00+02:00') };
    const bill = priceBill({
      tariff: DESIGN,
      period,
      tz: 'Europe/Paris',
      intervals: constant('2026-10-01T00:00+02:00', '2026-10-17T14:00+02:00', 250_000n),
    });
    expect(brief(bill)).toEqual([
      // 264 × 0.2081 = 54.9384 → 54.94
      ['Energy HP 2026-10-01 – 2026-10-17 14:00', '264.000', '0.2081', '54.94'],
      // 134 × 0.1635 = 21.909 → 21.91
      ['Energy HC 2026-10-01 – 2026-10-17 14:00', '134.000', '0.1635', '21.91'],
      // 16 + 14/24 = 16.58333… → 16.5833 days; 16.5833 × 0.4512 = 7.48238496 → 7.48
      ['Standing charge 2026-10-01 – 2026-10-17 14:00 (16.5833 days)', '16.5833', '0.4512', '7.48'],
      // 398 × 0.0225 = 8.955, an exact half → 8.96
      ['Excise 2026-10-01 – 2026-10-17 14:00', '398.000', '0.0225', '8.96'],
      // 54.94 + 21.91 + 7.48 + 8.96 = 93.29; × 0.2 = 18.658 → 18.66
      ['VAT 20 %', '93.29', '0.2', '18.66'],
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['93.29', '111.95']); // 93.29 + 18.66
    addsUp(bill);
  });

  it('February of the leap year 2028: 29 days', () => {
    // 29 × 96 = 2784 quarter hours of 100 Wh = 278.400 kWh
    const period = { start: t('2028-02-01T00:00+01:00'), end: t('2028-03-01T00:00+01:00') };
    const bill = priceBill({
      tariff: FLAT,
      period,
      tz: 'Europe/Paris',
      intervals: constant('2028-02-01T00:00+01:00', '2028-03-01T00:00+01:00', 100_000n),
    });
    expect(brief(bill)).toEqual([
      // 278.4 × 0.2516 = 70.04544 → 70.05
      ['Energy 2028-02-01 – 2028-02-29', '278.400', '0.2516', '70.05'],
      // 29 × 0.4512 = 13.0848 → 13.08
      ['Standing charge 2028-02-01 – 2028-02-29 (29 days)', '29.0000', '0.4512', '13.08'],
      // 278.4 × 0.0225 = 6.264 → 6.26
      ['Excise 2028-02-01 – 2028-02-29', '278.400', '0.0225', '6.26'],
      ['VAT 20 %', '89.39', '0.2', '17.88'], // 70.05 + 13.08 + 6.26 = 89.39; × 0.2 = 17.878 → 17.88
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['89.39', '107.27']);
    addsUp(bill);
  });

  it('February 2026 for contrast: 28 days', () => {
    // 28 × 96 = 2688 quarter hours of 100 Wh = 268.800 kWh
    const period = { start: t('2026-02-01T00:00+01:00'), end: t('2026-03-01T00:00+01:00') };
    const bill = priceBill({
      tariff: FLAT,
      period,
      tz: 'Europe/Paris',
      intervals: constant('2026-02-01T00:00+01:00', '2026-03-01T00:00+01:00', 100_000n),
    });
    expect(brief(bill).map((l) => l[3])).toEqual([
      '67.63', // 268.8 × 0.2516 = 67.63008
      '12.63', // 28 × 0.4512 = 12.6336
      '6.05', // 268.8 × 0.0225 = 6.048
      '17.26', // (67.63 + 12.63 + 6.05) = 86.31 × 0.2 = 17.262
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['86.31', '103.57']);
    addsUp(bill);
  });
});
