import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { type Tariff, tariffSchema, type TariffInput } from '../tariff-schema.js';
import type { Bill, PricedInterval } from './bill.js';
import { NoTariffVersionError, PricingInputError } from './errors.js';
import { priceBill } from './price-bill.js';
import { verifyBill } from './verify-bill.js';

const Q = 900_000;
const t = (iso: string) => Date.parse(iso);

/** A small deterministic generator (mulberry32), so a failure replays. */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T,
    rate: () => `${int(3)}.${String(int(10_000)).padStart(4, '0')}`,
  };
}

type Version = TariffInput['versions'][number];
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];

function randomCase(seed: number): {
  tariff: Tariff;
  period: { start: number; end: number };
  tz: string;
  intervals: PricedInterval[];
} {
  const r = rng(seed);
  const tz = r.pick(ZONES);
  const month = DateTime.fromObject({ year: 2026, month: 1 + r.int(12) }, { zone: tz });
  const start = month.toMillis();
  const full = month.plus({ months: 1 }).toMillis();
  // sometimes a move-out
  const end = r.int(3) === 0 ? start + (1 + r.int((full - start) / Q - 1)) * Q : full;
  const versions: Version[] = [];
  for (
    let from = start - 86_400_000, n = 1 + r.int(3);
    versions.length < n;
    from += (1 + r.int(20)) * 86_400_000 + r.int(96) * Q
  ) {
    const energy = r.pick<Version['energy']>([
      { type: 'flat', rate: r.rate() },
      {
        type: 'tou',
        defaultBand: 'HP',
        bands: { HP: r.rate(), HC: r.rate() },
        windows: [{ band: 'HC', from: '22:00', to: '06:30', days: ['mon', 'tue', 'wed', 'sat'] }],
      },
      {
        type: 'tiered',
        tiers: [
          { uptoKwh: `${1 + r.int(200)}.5`, rate: r.rate() },
          { uptoKwh: null, rate: r.rate() },
        ],
      },
    ]);
    const taxes = [
      ...(r.int(2) ? [{ name: 'Excise', perKwh: r.rate() }] : []),
      ...(r.int(4) ? [{ name: 'VAT', percent: r.pick(['20', '5.5', '19.6']) }] : []),
    ];
    versions.push({
      validFrom: new Date(from).toISOString(),
      standingChargePerDay: r.rate(),
      energy,
      taxes,
      ...(r.int(2) ? { exportRate: r.rate() } : {}),
    });
  }
  const currency = r.pick(['EUR', 'JPY', 'KWD']);
  const intervals: PricedInterval[] = [];
  for (let q = start; q < end; q += Q) {
    if (r.int(20) === 0) continue; // missing intervals count as zero
    intervals.push({
      start: q,
      importMwh: BigInt(r.int(900_000)),
      exportMwh: r.int(3) === 0 ? null : BigInt(r.int(300_000)),
    });
  }
  return {
    tariff: tariffSchema.parse({ name: 'Random', currency, versions }),
    period: { start, end },
    tz,
    intervals,
  };
}

/** Checked with decimal.js directly, not with the engine's helpers. */
function independentProblems(bill: Bill, digits: number): string[] {
  const problems: string[] = [];
  let total = new Decimal(0);
  for (const l of bill.lines) {
    const want = new Decimal(l.quantity)
      .times(l.unitPrice)
      .toDecimalPlaces(digits, Decimal.ROUND_HALF_UP);
    if (!want.eq(l.amount))
      problems.push(
        `${l.description}: ${l.quantity} × ${l.unitPrice} = ${want.toFixed(digits)}, not ${l.amount}`,
      );
    total = total.plus(l.amount);
  }
  if (!total.eq(bill.total)) problems.push(`total ${bill.total} ≠ ${total.toFixed(digits)}`);
  return problems;
}

describe('priceBill: properties over 200 random bills', () => {
  it.each(Array.from({ length: 200 }, (_, i) => i))('seed %i adds up', (seed) => {
    const input = randomCase(seed);
    const bill = priceBill(input);
    const digits = { EUR: 2, JPY: 0, KWD: 3 }[bill.currency as 'EUR' | 'JPY' | 'KWD'];
    expect(independentProblems(bill, digits)).toEqual([]);
    expect(verifyBill(bill)).toEqual([]);
    // Energy lines hold all import, give or take half a Wh per line.
    const imported = input.intervals.reduce((s, iv) => s + iv.importMwh, 0n);
    const energy = bill.lines.filter((l) => l.kind === 'energy');
    const billed = energy.reduce((s, l) => s.plus(l.quantity), new Decimal(0));
    expect(
      billed
        .minus(new Decimal(imported.toString()).div(1e6))
        .abs()
        .lte(new Decimal(0.0005).times(energy.length + 1)),
    ).toBe(true);
    // The standing charge covers the period's local days.
    const days = bill.lines
      .filter((l) => l.kind === 'standing_charge')
      .reduce((s, l) => s.plus(l.quantity), new Decimal(0));
    const { start, end } = input.period;
    const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone: input.tz });
    const endDay = dayOf(end).startOf('day');
    const expected =
      endDay.diff(dayOf(start).startOf('day'), 'days').days +
      (end - endDay.toMillis()) / (endDay.plus({ days: 1 }).toMillis() - endDay.toMillis());
    expect(days.minus(expected).abs().toNumber()).toBeLessThan(0.0002 * 3);
    expect(
      bill.lines
        .filter((l) => l.kind === 'export_credit')
        .every((l) => new Decimal(l.amount).lte(0)),
    ).toBe(true);
  });
});

describe('priceBill: refused input', () => {
  const tariff = tariffSchema.parse(DESIGN_TARIFF); // from 2026-02-01 Paris
  const period = { start: t('2026-10-01T00:00+02:00'), end: t('2026-10-02T00:00+02:00') };
  const iv = (iso: string, importMwh = 1n): PricedInterval => ({
    start: t(iso),
    importMwh,
    exportMwh: null,
  });
  const price = (over: Partial<Parameters<typeof priceBill>[0]>) => () =>
    priceBill({ tariff, period, tz: 'Europe/Paris', intervals: [], ...over });

  it.each([
    [
      'a period before the first version',
      price({ period: { start: t('2026-01-31T00:00+01:00'), end: t('2026-02-02T00:00+01:00') } }),
      NoTariffVersionError,
    ],
    [
      'an empty period',
      price({ period: { start: period.start, end: period.start } }),
      PricingInputError,
    ],
    ['an unknown time zone', price({ tz: 'Europe/Pariss' }), PricingInputError],
    [
      'an interval off the quarter-hour grid',
      price({ intervals: [iv('2026-10-01T00:05+02:00')] }),
      PricingInputError,
    ],
    [
      'an interval before the period',
      price({ intervals: [iv('2026-09-30T23:45+02:00')] }),
      PricingInputError,
    ],
    [
      'an interval reaching past the end',
      price({ intervals: [iv('2026-10-02T00:00+02:00')] }),
      PricingInputError,
    ],
    [
      'intervals out of order',
      price({ intervals: [iv('2026-10-01T01:00+02:00'), iv('2026-10-01T00:00+02:00')] }),
      PricingInputError,
    ],
    [
      'a duplicate interval',
      price({ intervals: [iv('2026-10-01T01:00+02:00'), iv('2026-10-01T01:00+02:00')] }),
      PricingInputError,
    ],
    [
      'negative consumption',
      price({ intervals: [iv('2026-10-01T01:00+02:00', -1n)] }),
      PricingInputError,
    ],
  ])('%s', (_what, run, error) => {
    expect(run).toThrow(error);
  });

  it('prices a day without intervals: the standing charge alone', () => {
    expect(
      priceBill({ tariff, period, tz: 'Europe/Paris', intervals: [] }).lines.map((l) => [
        l.kind,
        l.amount,
      ]),
    ).toEqual([
      ['standing_charge', '0.45'], // 0.4512
      ['tax', '0.09'], // VAT 20 % of 0.45
    ]);
  });
});
