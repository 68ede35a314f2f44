import { describe, expect, it } from 'vitest';
import { type Tariff, tariffSchema } from '../tariff-schema.js';
import { NoTariffVersionError } from './errors.js';
import { splitByVersion } from './tariff-parts.js';

const version = (validFrom: string, rate: string) => ({
  validFrom,
  standingChargePerDay: '0.4',
  energy: { type: 'flat', rate },
});
const tariff: Tariff = tariffSchema.parse({
  name: 'Three versions',
  currency: 'EUR',
  versions: [
    version('2026-01-01T00:00:00+01:00', '0.1'),
    version('2026-09-16T12:00:00+02:00', '0.2'),
    version('2026-10-01T00:00:00+02:00', '0.3'),
  ],
});
const t = (iso: string) => Date.parse(iso);
const split = (from: string, to: string) =>
  splitByVersion(tariff, { start: t(from), end: t(to) }).map((p) => [
    new Date(p.start).toISOString(),
    new Date(p.end).toISOString(),
    p.version.energy.type === 'flat' ? p.version.energy.rate : '',
  ]);

describe('splitByVersion', () => {
  it('splits at every validFrom strictly inside the period', () => {
    expect(split('2026-09-01T00:00+02:00', '2026-11-01T00:00+01:00')).toEqual([
      ['2026-08-31T22:00:00.000Z', '2026-09-16T10:00:00.000Z', '0.1'],
      ['2026-09-16T10:00:00.000Z', '2026-09-30T22:00:00.000Z', '0.2'],
      ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', '0.3'],
    ]);
  });

  it('does not split at a validFrom on the period edges', () => {
    expect(split('2026-10-01T00:00+02:00', '2026-11-01T00:00+01:00')).toEqual([
      ['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z', '0.3'],
    ]);
    expect(split('2026-09-01T00:00+02:00', '2026-09-16T12:00+02:00')).toEqual([
      ['2026-08-31T22:00:00.000Z', '2026-09-16T10:00:00.000Z', '0.1'],
    ]);
  });

  it('refuses a period that starts before the first version', () => {
    expect(() => split('2025-12-01T00:00+01:00', '2026-01-01T00:00+01:00')).toThrow(
      NoTariffVersionError,
    );
    expect(() => split('2025-12-31T23:45+01:00', '2026-01-31T00:00+01:00')).toThrow(
      /no tariff version is in force at 2025-12-31T22:45:00.000Z/,
    );
  });
});
