import { describe, expect, it } from 'vitest';
import { DESIGN_TARIFF } from '../../test/support/design-tariff.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { tariffSchema } from './tariff-schema.js';
import { compareDecimals } from './decimal-string.js';

type Doc = Record<string, unknown> & { versions: Record<string, unknown>[] };
const clone = (): Doc => structuredClone(DESIGN_TARIFF) as unknown as Doc;
const v0 = (d: Doc) =>
  d.versions[0] as Record<string, unknown> & { energy: Record<string, unknown> };
const withVersion = (patch: Record<string, unknown>) => {
  const d = clone();
  d.versions[0] = { ...v0(d), ...patch };
  return d;
};
const withEnergy = (energy: unknown) => withVersion({ energy });
const tou = (windows: unknown[], over: Record<string, unknown> = {}) =>
  withEnergy({ ...DESIGN_TARIFF.versions[0].energy, windows, ...over });
const win = (from: string, to: string, band = 'HC', days: string[] = ['mon']) => ({
  band,
  from,
  to,
  days,
});
const tiered = (tiers: unknown[]) => withEnergy({ type: 'tiered', tiers });

const messages = (input: unknown): string => {
  const r = tariffSchema.safeParse(input);
  return r.success ? 'VALID' : describeZodIssues(r.error.issues);
};

describe('tariffSchema', () => {
  it('accepts the docs/design.md §5 example and keeps it unchanged', () => {
    expect(tariffSchema.parse(DESIGN_TARIFF)).toEqual(DESIGN_TARIFF);
  });

  it.each([
    ['flat', withEnergy({ type: 'flat', rate: '0.25' })],
    [
      'tiered',
      tiered([
        { uptoKwh: '100', rate: '0.10' },
        { uptoKwh: '250.5', rate: '0.15' },
        { uptoKwh: null, rate: '0.2' },
      ]),
    ],
    ['a single open tier', tiered([{ uptoKwh: null, rate: '0.2' }])],
    ['no exportRate and no taxes', withVersion({ exportRate: undefined, taxes: undefined })],
    ['tou without windows', tou([])],
    ['same-band windows that overlap', tou([win('22:00', '06:00'), win('23:00', '01:00')])],
    [
      'windows of different bands that touch',
      tou([win('22:00', '06:00'), win('06:00', '22:00', 'HP')]),
    ],
    ['a window ending at midnight', tou([win('22:00', '00:00')])],
    [
      'several versions in order',
      (() => {
        const d = clone();
        d.versions.push({ ...v0(d), validFrom: '2026-08-01T00:00:00Z' });
        return d;
      })(),
    ],
    ['12 fraction digits', withEnergy({ type: 'flat', rate: '0.123456789012' })],
  ])('accepts %s', (_what, doc) => {
    expect(messages(doc)).toBe('VALID');
  });

  it('refuses unknown fields, naming them', () => {
    expect(messages({ ...clone(), colour: 'blue' })).toContain('colour');
  });

  it.each<[string, unknown, string]>([
    ['no name', { ...clone(), name: '  ' }, 'name: must not be empty'],
    [
      'a lower-case currency',
      { ...clone(), currency: 'eur' },
      'currency: must be an ISO 4217 code',
    ],
    [
      'an unknown currency',
      { ...clone(), currency: 'ABC' },
      'currency: is not an ISO 4217 currency code',
    ],
    ['no versions', { ...clone(), versions: [] }, 'versions: a tariff needs at least one version'],
    [
      'a validFrom without offset',
      withVersion({ validFrom: '2026-02-01T00:00:00' }),
      'versions.0.validFrom: must be an RFC 3339 instant',
    ],
    [
      'versions out of order',
      (() => {
        const d = clone();
        d.versions.push({ ...v0(d), validFrom: '2026-01-31T23:00:00Z' });
        return d;
      })(),
      'versions.1.validFrom: versions must be in order of strictly increasing validFrom',
    ],
    [
      'a rate as a JSON number',
      withEnergy({ type: 'flat', rate: 0.25 }),
      'versions.0.energy.rate: must be a decimal string such as "0.2081", not a JSON number',
    ],
    [
      'a null rate',
      withEnergy({ type: 'flat', rate: null }),
      'versions.0.energy.rate: must be a decimal string such as "0.2081", not null',
    ],
    [
      'a negative rate',
      withEnergy({ type: 'flat', rate: '-0.25' }),
      'versions.0.energy.rate: must be a non-negative decimal string',
    ],
    [
      'an exponent',
      withVersion({ standingChargePerDay: '1e-3' }),
      'versions.0.standingChargePerDay: must be a non-negative decimal string',
    ],
    [
      '13 fraction digits',
      withVersion({ exportRate: '0.1234567890123' }),
      'versions.0.exportRate: must be a non-negative decimal string',
    ],
    [
      'a missing standing charge',
      withVersion({ standingChargePerDay: undefined }),
      'versions.0.standingChargePerDay: required',
    ],
    [
      'an unknown energy type',
      withEnergy({ type: 'spot' }),
      'versions.0.energy.type: must be "flat", "tou" or "tiered"',
    ],
    ['energy without type', withEnergy({ rate: '0.2' }), 'versions.0.energy.type: must be "flat"'],
    [
      'a defaultBand not among bands',
      tou([], { defaultBand: 'XX' }),
      'versions.0.energy.defaultBand: band "XX" is not among bands (HP, HC)',
    ],
    [
      'no bands',
      tou([], { bands: {}, defaultBand: 'HP' }),
      'versions.0.energy.bands: must define at least one band',
    ],
    [
      'a window band not among bands',
      tou([win('22:00', '06:00', 'NIGHT')]),
      'versions.0.energy.windows.0.band: band "NIGHT" is not among bands',
    ],
    [
      'a window with from = to',
      tou([win('06:00', '06:00')]),
      'versions.0.energy.windows.0.to: must differ from "from"',
    ],
    [
      'a time 24:00',
      tou([win('22:00', '24:00')]),
      'versions.0.energy.windows.0.to: must be a local time "HH:MM"',
    ],
    [
      'a time without leading zero',
      tou([win('6:00', '22:00')]),
      'versions.0.energy.windows.0.from: must be a local time',
    ],
    [
      'a time off the quarter hour',
      tou([win('22:10', '06:00')]),
      'versions.0.energy.windows.0.from: must be on a quarter hour',
    ],
    [
      'an unknown day',
      tou([win('22:00', '06:00', 'HC', ['monday'])]),
      'versions.0.energy.windows.0.days.0: Invalid option',
    ],
    [
      'no days',
      tou([win('22:00', '06:00', 'HC', [])]),
      'versions.0.energy.windows.0.days: must name at least one day',
    ],
    [
      'a repeated day',
      tou([win('22:00', '06:00', 'HC', ['mon', 'tue', 'mon'])]),
      'versions.0.energy.windows.0.days: lists mon more than once',
    ],
    [
      'windows of different bands that overlap',
      tou([win('22:00', '06:00'), win('05:00', '08:00', 'HP')]),
      'versions.0.energy.windows.1: overlaps windows.0 on mon at 05:00 with another band (HC there, HP here)',
    ],
    ['no tiers', tiered([]), 'versions.0.energy.tiers: must have at least one tier'],
    [
      'a last tier with a bound',
      tiered([{ uptoKwh: '100', rate: '0.1' }]),
      'versions.0.energy.tiers.0.uptoKwh: the last tier must have uptoKwh null',
    ],
    [
      'an open tier before the last',
      tiered([
        { uptoKwh: null, rate: '0.1' },
        { uptoKwh: null, rate: '0.2' },
      ]),
      'versions.0.energy.tiers.0.uptoKwh: only the last tier may have uptoKwh null',
    ],
    [
      'decreasing tiers',
      tiered([
        { uptoKwh: '100', rate: '0.1' },
        { uptoKwh: '99.99', rate: '0.2' },
        { uptoKwh: null, rate: '0.3' },
      ]),
      "versions.0.energy.tiers.1.uptoKwh: must be greater than the previous tier's uptoKwh (100)",
    ],
    [
      'equal tiers',
      tiered([
        { uptoKwh: '100', rate: '0.1' },
        { uptoKwh: '100.000', rate: '0.2' },
        { uptoKwh: null, rate: '0.3' },
      ]),
      'versions.0.energy.tiers.1.uptoKwh: must be greater',
    ],
    [
      'a zero first tier',
      tiered([
        { uptoKwh: '0', rate: '0.1' },
        { uptoKwh: null, rate: '0.3' },
      ]),
      'versions.0.energy.tiers.0.uptoKwh: must be greater than 0',
    ],
    [
      'a tax with both kinds',
      withVersion({ taxes: [{ name: 'VAT', percent: '20', perKwh: '0.1' }] }),
      'versions.0.taxes.0: a tax has exactly one of perKwh (amount per kWh) or percent',
    ],
    [
      'a tax with neither',
      withVersion({ taxes: [{ name: 'VAT' }] }),
      'versions.0.taxes.0: a tax has exactly one of',
    ],
    ['a tax without name', withVersion({ taxes: [{ percent: '20' }] }), 'versions.0.taxes.0.name'],
    [
      'two taxes of one name',
      withVersion({
        taxes: [
          { name: 'VAT', percent: '20' },
          { name: 'VAT', percent: '5.5' },
        ],
      }),
      'versions.0.taxes.1.name: duplicate tax name "VAT"',
    ],
    ['not an object', 'tariff', 'expected object'],
  ])('refuses %s', (_what, doc, expected) => {
    expect(messages(doc)).toContain(expected);
  });
});

describe('compareDecimals', () => {
  it.each([
    ['1', '1.0', 0],
    ['0010.50', '10.5', 0],
    ['2', '10', -1],
    ['10', '9.999', 1],
    ['0.1', '0.09', 1],
    ['100', '100.000000000001', -1],
  ] as const)('%s vs %s is %i', (a, b, want) => {
    expect(compareDecimals(a, b)).toBe(want);
    expect(compareDecimals(b, a)).toBe(-want || 0);
  });
});
