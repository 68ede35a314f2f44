import type { TariffInput } from '../../src/billing/tariff-schema.js';

/**
 * The example tariff of docs/design.md §5, verbatim: shared by the schema, API
 * and (later) pricing tests.
 */
export const DESIGN_TARIFF = {
  name: 'Heures creuses 6 kVA',
  currency: 'EUR',
  versions: [
    {
      validFrom: '2026-02-01T00:00:00+01:00',
      standingChargePerDay: '0.4512',
      energy: {
        type: 'tou',
        defaultBand: 'HP',
        bands: { HP: '0.2081', HC: '0.1635' },
        windows: [
          {
            band: 'HC',
            from: '22:00',
            to: '06:00',
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          },
        ],
      },
      exportRate: '0.0400',
      taxes: [
        { name: 'Excise', perKwh: '0.0225' },
        { name: 'VAT', percent: '20' },
      ],
    },
  ],
} as const satisfies TariffInput;
