/**
 * Worked examples of docs/design.md §5, computed by hand: a tariff change in the middle of a period
 * (two parts, the standing charge split, a percent tax over both) and tiered charges, within one
 * version and continuing across a change.
 */
import { describe, expect, it } from 'vitest';
import { addsUp, brief, constant, t } from '../../../test/support/pricing.js';
import { tariffSchema, type TariffInput } from '../tariff-schema.js';
import { priceBill } from './price-bill.js';

type Version = TariffInput['versions'][number];
const tariff = (...versions: Version[]) =>
  tariffSchema.parse({ name: 'Test', currency: 'EUR', versions });
const CHANGE = '2026-09-16T12:00:00+02:00';
const SEPTEMBER = { start: t('2026-09-01T00:00+02:00'), end: t('2026-10-01T00:00+02:00') };
const september = (mwh: bigint) =>
  constant('2026-09-01T00:00+02:00', '2026-10-01T00:00+02:00', mwh);

describe('priceBill: a tariff change inside the period', () => {
  // Part 1 [Sep 1 00:00, Sep 16 12:00): 15.5 days = 1488 quarter hours;
  // part 2 [Sep 16 12:00, Oct 1): 14.5 days = 1392.
  const v1: Version = {
    validFrom: '2026-01-01T00:00:00+01:00',
    standingChargePerDay: '0.4512',
    energy: { type: 'flat', rate: '0.2000' },
    taxes: [
      { name: 'Excise', perKwh: '0.0225' },
      { name: 'VAT', percent: '20' },
    ],
  };
  const v2 = (vat: string): Version => ({
    validFrom: CHANGE,
    standingChargePerDay: '0.4800',
    energy: { type: 'flat', rate: '0.2200' },
    taxes: [
      { name: 'Excise', perKwh: '0.0250' },
      { name: 'VAT', percent: vat },
    ],
  });

  it('prices each part by its version and charges VAT once over both', () => {
    // 100 Wh per quarter hour: part 1 1488 × 0.1 = 148.800 kWh, part 2 1392 × 0.1 = 139.200 kWh
    const bill = priceBill({
      tariff: tariff(v1, v2('20')),
      period: SEPTEMBER,
      tz: 'Europe/Paris',
      intervals: september(100_000n),
    });
    expect(brief(bill)).toEqual([
      ['Energy 2026-09-01 – 2026-09-16 12:00', '148.800', '0.2000', '29.76'], // 148.8 × 0.2 = 29.76
      // 15.5 × 0.4512 = 6.9936
      ['Standing charge 2026-09-01 – 2026-09-16 12:00 (15.5 days)', '15.5000', '0.4512', '6.99'],
      // 148.8 × 0.0225 = 3.348
      ['Excise 2026-09-01 – 2026-09-16 12:00', '148.800', '0.0225', '3.35'],
      // 139.2 × 0.22 = 30.624
      ['Energy 2026-09-16 12:00 – 2026-09-30', '139.200', '0.2200', '30.62'],
      // 14.5 × 0.48 = 6.96
      ['Standing charge 2026-09-16 12:00 – 2026-09-30 (14.5 days)', '14.5000', '0.4800', '6.96'],
      ['Excise 2026-09-16 12:00 – 2026-09-30', '139.200', '0.0250', '3.48'], // 139.2 × 0.025 = 3.48
      // 29.76 + 6.99 + 3.35 = 40.10; 30.62 + 6.96 + 3.48 = 41.06; base 81.16 × 0.2 = 16.232 → 16.23
      ['VAT 20 %', '81.16', '0.2', '16.23'],
    ]);
    expect(bill.lines.map((l) => l.versionFrom)).toEqual([
      ...Array(3).fill(v1.validFrom),
      ...Array(3).fill(CHANGE),
      undefined,
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['81.16', '97.39']);
    addsUp(bill);
  });

  it('charges two VAT lines when the rate changes, each on the parts that carry it', () => {
    const bill = priceBill({
      tariff: tariff(v1, v2('5.5')),
      period: SEPTEMBER,
      tz: 'Europe/Paris',
      intervals: september(100_000n),
    });
    expect(brief(bill).slice(-2)).toEqual([
      ['VAT 20 %', '40.10', '0.2', '8.02'], // part 1: 40.10 × 0.2 = 8.02
      ['VAT 5.5 %', '41.06', '0.055', '2.26'], // part 2: 41.06 × 0.055 = 2.2583 → 2.26
    ]);
    expect([bill.subtotal, bill.total]).toEqual(['81.16', '91.44']); // 81.16 + 8.02 + 2.26
    addsUp(bill);
  });

  it('treats "20" and "20.0" as the same percent', () => {
    const bill = priceBill({
      tariff: tariff(v1, v2('20.0')),
      period: SEPTEMBER,
      tz: 'Europe/Paris',
      intervals: september(100_000n),
    });
    expect(brief(bill).slice(-1)).toEqual([['VAT 20 %', '81.16', '0.2', '16.23']]);
  });
});

describe('priceBill: tiered energy over the period cumulative import', () => {
  const tiers3: Version = {
    validFrom: '2026-01-01T00:00:00+01:00',
    standingChargePerDay: '0.4512',
    taxes: [{ name: 'VAT', percent: '20' }],
    energy: {
      type: 'tiered',
      tiers: [
        { uptoKwh: '100', rate: '0.1000' },
        { uptoKwh: '250', rate: '0.1500' },
        { uptoKwh: null, rate: '0.2000' },
      ],
    },
  };

  it('fills the tiers in order within one version', () => {
    // 2880 quarter hours of 120 Wh = 345.600 kWh: 100 in tier 1, 150 in tier 2, 95.6 in tier 3
    const bill = priceBill({
      tariff: tariff(tiers3),
      period: SEPTEMBER,
      tz: 'Europe/Paris',
      intervals: september(120_000n),
    });
    expect(brief(bill)).toEqual([
      ['Energy tier 1 (0–100 kWh) 2026-09-01 – 2026-09-30', '100.000', '0.1000', '10.00'],
      ['Energy tier 2 (100–250 kWh) 2026-09-01 – 2026-09-30', '150.000', '0.1500', '22.50'],
      // 95.6 × 0.2
      ['Energy tier 3 (over 250 kWh) 2026-09-01 – 2026-09-30', '95.600', '0.2000', '19.12'],
      // 30 × 0.4512 = 13.536
      ['Standing charge 2026-09-01 – 2026-09-30 (30 days)', '30.0000', '0.4512', '13.54'],
      ['VAT 20 %', '65.16', '0.2', '13.03'], // 10 + 22.5 + 19.12 + 13.54 = 65.16; × 0.2 = 13.032
    ]);
    expect(bill.lines.map((l) => l.tier)).toEqual([1, 2, 3, undefined, undefined]);
    expect(bill.total).toBe('78.19');
    addsUp(bill);
  });

  it('continues the cumulative count across a version change, at the new version’s tiers', () => {
    const v2: Version = {
      validFrom: CHANGE,
      standingChargePerDay: '0.4512',
      energy: {
        type: 'tiered',
        tiers: [
          { uptoKwh: '200', rate: '0.1200' },
          { uptoKwh: null, rate: '0.1800' },
        ],
      },
    };
    // Part 1: 1488 × 120 Wh = 178.560 kWh, cumulative 0 → 178.56: tier 1 100, tier 2 78.56.
    // Part 2: 1392 × 120 Wh = 167.040 kWh, cumulative 178.56 → 345.6 under v2:
    // tier 1 (to 200) 21.44, tier 2 145.6.
    const bill = priceBill({
      tariff: tariff({ ...tiers3, taxes: [] }, v2),
      period: SEPTEMBER,
      tz: 'Europe/Paris',
      intervals: september(120_000n),
    });
    expect(brief(bill)).toEqual([
      ['Energy tier 1 (0–100 kWh) 2026-09-01 – 2026-09-16 12:00', '100.000', '0.1000', '10.00'],
      // 78.56 × 0.15 = 11.784
      ['Energy tier 2 (100–250 kWh) 2026-09-01 – 2026-09-16 12:00', '78.560', '0.1500', '11.78'],
      // 6.9936
      ['Standing charge 2026-09-01 – 2026-09-16 12:00 (15.5 days)', '15.5000', '0.4512', '6.99'],
      // 21.44 × 0.12 = 2.5728
      ['Energy tier 1 (0–200 kWh) 2026-09-16 12:00 – 2026-09-30', '21.440', '0.1200', '2.57'],
      // 145.6 × 0.18 = 26.208
      ['Energy tier 2 (over 200 kWh) 2026-09-16 12:00 – 2026-09-30', '145.600', '0.1800', '26.21'],
      // 14.5 × 0.4512 = 6.5424
      ['Standing charge 2026-09-16 12:00 – 2026-09-30 (14.5 days)', '14.5000', '0.4512', '6.54'],
    ]);
    // 10.00 + 11.78 + 6.99 + 2.57 + 26.21 + 6.54 = 64.09
    expect([bill.subtotal, bill.total]).toEqual(['64.09', '64.09']);
    addsUp(bill);
  });

  it('rounds each tier share to the Wh and leaves out a tier touched by less than half a Wh', () => {
    // 100.0004 kWh in the first interval: tier 1 gets 100, tier 2 0.0004 kWh → 0.000, no line.
    // 100.0006 kWh: tier 2 gets 0.0006 → 0.001 kWh × 0.15 = 0.00015 → 0.00, a line of 0.00.
    const one = (mwh: bigint) => [{ start: SEPTEMBER.start, importMwh: mwh, exportMwh: null }];
    const energy = (mwh: bigint) =>
      brief(
        priceBill({
          tariff: tariff({ ...tiers3, taxes: [] }),
          period: SEPTEMBER,
          tz: 'Europe/Paris',
          intervals: one(mwh),
        }),
      )
        .filter((l) => String(l[0]).startsWith('Energy'))
        .map((l) => [l[1], l[3]]);
    expect(energy(100_000_400n)).toEqual([['100.000', '10.00']]);
    expect(energy(100_000_600n)).toEqual([
      ['100.000', '10.00'],
      ['0.001', '0.00'],
    ]);
  });
});
