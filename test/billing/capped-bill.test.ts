/**
 * A period cut by the back-billing cap, priced by hand (docs/design.md §5 rules, §8 Settlement):
 * only the part from the cap to the period end is billed, its lines say so, tiers count from the
 * cap, and a tariff change inside the billed part splits it as usual.
 */
import { describe, expect, it } from 'vitest';
import { measuredBill, extrapolatedBill } from '../../src/billing/bills/period-bill.js';
import { tariffSchema, type TariffInput } from '../../src/billing/tariff-schema.js';
import type { Reading } from '../../src/readings/reading.js';
import { addsUp, brief, t } from '../support/pricing.js';

type Version = TariffInput['versions'][number];
const tariff = (...versions: Version[]) =>
  tariffSchema.parse({ name: 'Test', currency: 'EUR', versions });
const HOUR = 3_600_000;
const TZ = 'Europe/Paris';
// March 2025 in Paris (CET until the clock change of Sunday 30 March).
const MARCH = { start: t('2025-02-28T23:00:00Z'), end: t('2025-03-31T22:00:00Z') };
// The cap 14 months before 2026-05-15T12:00Z: 13:00 local on 15 March.
const CAP = t('2025-03-15T12:00:00Z');

/** A steady 1 kW: one reading an hour, 1,000 Wh apart, from `from` to `to`. */
function steady(from: string, to: string): Reading[] {
  const out: Reading[] = [];
  for (let ts = t(from), i = 0; ts <= t(to); ts += HOUR, i += 1)
    out.push({ meterId: 'm', ts, importWh: 5_000_000 + i * 1000, receivedAt: ts });
  return out;
}

const v1: Version = {
  validFrom: '2020-01-01T00:00:00+01:00',
  standingChargePerDay: '1.0000',
  energy: { type: 'flat', rate: '0.2000' },
  taxes: [{ name: 'VAT', percent: '10' }],
};
const v2: Version = {
  validFrom: '2025-03-20T00:00:00+01:00',
  standingChargePerDay: '2.0000',
  energy: { type: 'flat', rate: '0.3000' },
  taxes: [{ name: 'VAT', percent: '10' }],
};

describe('a period cut by the back-billing cap', () => {
  const meters = [
    { meterId: 'm', readings: steady('2025-02-28T00:00:00Z', '2025-04-02T00:00:00Z') },
  ];

  it('bills the part from the cap only, and the lines of the part that starts there say so', () => {
    const b = measuredBill({
      tariff: tariff(v1, v2),
      tz: TZ,
      period: MARCH,
      meters,
      cappedAt: CAP,
    });
    const note = ' (back-billing cap: from 2025-03-15 13:00)';
    // Part 1 [15 Mar 13:00, 20 Mar 00:00): 107 h = 107 kWh; 11/24 of the 15th + 4 days = 4.4583.
    // Part 2 [20 Mar, 1 Apr): 12 days, the 30th of 23 h: 12 × 24 − 1 = 287 kWh.
    expect(brief(b.bill)).toEqual([
      [`Energy 2025-03-15 13:00 – 2025-03-19${note}`, '107.000', '0.2000', '21.40'],
      // 4.4583 × 1 = 4.4583
      [
        `Standing charge 2025-03-15 13:00 – 2025-03-19 (4.4583 days)${note}`,
        '4.4583',
        '1.0000',
        '4.46',
      ],
      ['Energy 2025-03-20 – 2025-03-31', '287.000', '0.3000', '86.10'],
      ['Standing charge 2025-03-20 – 2025-03-31 (12 days)', '12.0000', '2.0000', '24.00'],
      // 21.40 + 4.46 + 86.10 + 24.00 = 135.96 × 0.1 = 13.596
      ['VAT 10 %', '135.96', '0.1', '13.60'],
    ]);
    expect(b.bill.subtotal).toBe('135.96');
    expect(b.bill.total).toBe('149.56');
    addsUp(b.bill);
    expect(b.range).toEqual({ start: CAP, end: MARCH.end });
    expect(b.basis).toMatchObject({ measuredImportWh: 394_000, method: 'measured' });
    expect(b.meterIdsWithoutEnd).toEqual([]);
  });

  it('counts tiers from the cap: consumption before it is not billed, so it fills no tier', () => {
    const tiered = tariff({
      validFrom: '2020-01-01T00:00:00+01:00',
      standingChargePerDay: '0',
      energy: {
        type: 'tiered',
        tiers: [
          { uptoKwh: '100', rate: '0.1000' },
          { uptoKwh: null, rate: '0.2000' },
        ],
      },
      taxes: [],
    });
    const b = measuredBill({ tariff: tiered, tz: TZ, period: MARCH, meters, cappedAt: CAP });
    const lines = brief(b.bill).filter(([d]) => d!.startsWith('Energy'));
    // 107 + 287 = 394 kWh from the cap: 100 in tier 1, 294 in tier 2.
    expect(lines).toEqual([
      [
        'Energy tier 1 (0–100 kWh) 2025-03-15 13:00 – 2025-03-31 (back-billing cap: from 2025-03-15 13:00)',
        '100.000',
        '0.1000',
        '10.00',
      ],
      [
        'Energy tier 2 (over 100 kWh) 2025-03-15 13:00 – 2025-03-31 (back-billing cap: from 2025-03-15 13:00)',
        '294.000',
        '0.2000',
        '58.80',
      ],
    ]);
  });

  it('a forced settlement of a cut period keeps both notes, the cap first', () => {
    const early = [
      { meterId: 'm', readings: steady('2025-02-28T00:00:00Z', '2025-03-25T00:00:00Z') },
    ];
    const b = extrapolatedBill({
      tariff: tariff(v1),
      tz: TZ,
      period: MARCH,
      meters: early,
      cappedAt: CAP,
    });
    expect(b.basis.method).toBe('extrapolated-7d');
    expect(b.bill.lines[0]?.description).toBe(
      'Energy 2025-03-15 13:00 – 2025-03-31 (back-billing cap: from 2025-03-15 13:00) (end index extrapolated from the 7-day baseline)',
    );
    // The steady 1 kW goes on: 394 kWh from the cap to the end, measured and projected.
    expect(b.basis.measuredImportWh + b.basis.projectedImportWh).toBe(394_000);
  });

  it('a cap at or before the period start changes nothing', () => {
    const whole = measuredBill({ tariff: tariff(v1, v2), tz: TZ, period: MARCH, meters });
    for (const cappedAt of [MARCH.start, MARCH.start - HOUR]) {
      const b = measuredBill({ tariff: tariff(v1, v2), tz: TZ, period: MARCH, meters, cappedAt });
      expect(b).toEqual(whole);
    }
    expect(whole.range).toEqual(MARCH);
    expect(whole.bill.lines.some((l) => l.description.includes('back-billing'))).toBe(false);
    // 31 days less the hour of the clock change: 743 kWh.
    expect(whole.basis.measuredImportWh).toBe(743_000);
  });
});
