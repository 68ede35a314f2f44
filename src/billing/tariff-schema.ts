import { z } from 'zod';
import { parseRfc3339 } from '../shared/time.js';
import { decimalString, compareDecimals } from './decimal-string.js';
import {
  boundedInstantText,
  NO_CONTROL_MESSAGE,
  noControlCharacters,
} from '../fleet/input-rules.js';
import { checkWindows, TIME_OF_DAY_RE, WEEKDAYS } from './tou-windows.js';

/** Limits that keep a tariff document, and the pricing loops over it, small. */
export const TARIFF_LIMITS = {
  bands: 32,
  versions: 200,
  windows: 64,
  taxes: 32,
  tiers: 32,
  /** The largest rate, standing charge or per-kWh tax, in currency units. */
  rate: '100000',
  percent: '100',
} as const;

const rate = decimalString.refine((d) => compareDecimals(d, TARIFF_LIMITS.rate) <= 0, {
  message: `must be at most ${TARIFF_LIMITS.rate}`,
});
const percent = decimalString.refine((d) => compareDecimals(d, TARIFF_LIMITS.percent) <= 0, {
  message: `must be at most ${TARIFF_LIMITS.percent} (percent)`,
});

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, {
    message: 'must be an ISO 4217 code of three upper-case letters, such as "EUR"',
    abort: true,
  })
  .refine((c) => KNOWN_CURRENCIES.has(c), {
    message: 'is not an ISO 4217 currency code known to this server',
    abort: true,
  })
  .meta({ example: 'EUR' });

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noControlCharacters, NO_CONTROL_MESSAGE);
const bandName = z
  .string()
  .min(1, 'band names must not be empty')
  .max(32, 'band names are at most 32 characters')
  .refine(noControlCharacters, `band names ${NO_CONTROL_MESSAGE}`);

const instant = z
  .string()
  .refine((s) => parseRfc3339(s) !== undefined, {
    message: 'must be an RFC 3339 instant with Z or an offset, such as "2026-02-01T00:00:00+01:00"',
  })
  .pipe(boundedInstantText)
  .meta({ format: 'date-time', example: '2026-02-01T00:00:00+01:00' });

const flatEnergy = z
  .strictObject({ type: z.literal('flat'), rate })
  .meta({ description: 'One rate per kWh at all times.' });

const touWindow = z.strictObject({
  band: bandName,
  from: z.string().regex(TIME_OF_DAY_RE, 'must be a local time "HH:MM" from 00:00 to 23:59'),
  to: z
    .string()
    .regex(
      TIME_OF_DAY_RE,
      'must be a local time "HH:MM" from 00:00 to 23:59 (use "00:00" for midnight)',
    ),
  days: z.array(z.enum(WEEKDAYS)).min(1, 'must name at least one day'),
});

const touEnergy = z
  .strictObject({
    type: z.literal('tou'),
    defaultBand: bandName,
    bands: z
      .record(bandName, rate)
      .refine((b) => Object.keys(b).length > 0, 'must define at least one band')
      .refine(
        (b) => Object.keys(b).length <= TARIFF_LIMITS.bands,
        `must define at most ${TARIFF_LIMITS.bands} bands`,
      ),
    windows: z
      .array(touWindow)
      .max(TARIFF_LIMITS.windows, `must have at most ${TARIFF_LIMITS.windows} windows`),
  })
  .superRefine((e, ctx) => {
    if (Object.keys(e.bands).length > 0 && !Object.hasOwn(e.bands, e.defaultBand)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultBand'],
        message: `band ${JSON.stringify(e.defaultBand)} is not among bands (${Object.keys(e.bands).join(', ')})`,
      });
    }
    for (const issue of checkWindows(e.windows, Object.keys(e.bands)))
      ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({
    description:
      'Time of use: each 15-minute interval is priced at the band of the window covering its local start time (windows of different bands may not overlap; edges on quarter hours; `to <= from` wraps past midnight), else at `defaultBand`.',
  });

const tier = z.strictObject({
  uptoKwh: decimalString.nullable().meta({
    description:
      'Upper bound of the tier in cumulative kWh over the period; null for the last tier.',
  }),
  rate,
});

const tieredEnergy = z
  .strictObject({
    type: z.literal('tiered'),
    tiers: z
      .array(tier)
      .min(1, 'must have at least one tier')
      .max(TARIFF_LIMITS.tiers, `must have at most ${TARIFF_LIMITS.tiers} tiers`),
  })
  .superRefine((e, ctx) => {
    e.tiers.forEach((t, i) => {
      const last = i === e.tiers.length - 1;
      if (last && t.uptoKwh !== null)
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'uptoKwh'],
          message: 'the last tier must have uptoKwh null (it has no upper bound)',
        });
      if (!last && t.uptoKwh === null)
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'uptoKwh'],
          message: 'only the last tier may have uptoKwh null',
        });
      const prev = i === 0 ? '0' : e.tiers[i - 1]?.uptoKwh;
      if (t.uptoKwh !== null && typeof prev === 'string' && compareDecimals(t.uptoKwh, prev) <= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'uptoKwh'],
          message:
            i === 0
              ? 'must be greater than 0'
              : `must be greater than the previous tier's uptoKwh (${prev})`,
        });
      }
    });
  })
  .meta({ description: 'Tiers over the cumulative import of the billing period.' });

const energy = z.discriminatedUnion('type', [flatEnergy, touEnergy, tieredEnergy], {
  error: (i) => (i.code === 'invalid_union' ? 'must be "flat", "tou" or "tiered"' : undefined),
});

/** A tax line: an amount per imported kWh, or a percentage of the lines before percent taxes. */
export type Tax =
  | { readonly name: string; readonly perKwh: string }
  | { readonly name: string; readonly percent: string };

const tax = z
  .strictObject({ name, perKwh: rate.optional(), percent: percent.optional() })
  .transform((t, ctx): Tax => {
    if (t.perKwh !== undefined && t.percent === undefined)
      return { name: t.name, perKwh: t.perKwh };
    if (t.percent !== undefined && t.perKwh === undefined)
      return { name: t.name, percent: t.percent };
    ctx.addIssue({
      code: 'custom',
      message: 'a tax has exactly one of perKwh (amount per kWh) or percent',
    });
    return z.NEVER;
  })
  .meta({ description: '`{name, perKwh}` or `{name, percent}`' });

const version = z.strictObject({
  validFrom: instant,
  standingChargePerDay: rate,
  energy,
  exportRate: rate.optional().meta({ description: 'Credit per exported kWh.' }),
  taxes: z
    .array(tax)
    .max(TARIFF_LIMITS.taxes, `must have at most ${TARIFF_LIMITS.taxes} taxes`)
    .default([])
    .superRefine((taxes, ctx) => {
      const seen = new Set<string>();
      taxes.forEach((t, i) => {
        if (seen.has(t.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate tax name ${JSON.stringify(t.name)}`,
          });
        seen.add(t.name);
      });
    }),
});

const versions = z
  .array(version)
  .min(1, 'a tariff needs at least one version')
  .max(TARIFF_LIMITS.versions, `a tariff has at most ${TARIFF_LIMITS.versions} versions`)
  .superRefine((vs, ctx) => {
    for (let i = 1; i < vs.length; i += 1) {
      const prev = parseRfc3339(vs[i - 1]?.validFrom ?? '');
      const cur = parseRfc3339(vs[i]?.validFrom ?? '');
      if (prev !== undefined && cur !== undefined && cur <= prev) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'validFrom'],
          message: `versions must be in order of strictly increasing validFrom: this one is not after ${vs[i - 1]?.validFrom ?? ''}`,
        });
      }
    }
  });

/**
 * The tariff document of docs/design.md §5: rates per kWh and standing charges per day as
 * decimal strings, in versions that each apply from their `validFrom` until the next.
 * Unknown fields are refused, at every level, so a misspelt field is not silently ignored.
 */
export const tariffSchema = z.strictObject({ name, currency, versions });

export type Tariff = z.output<typeof tariffSchema>;
export type TariffInput = z.input<typeof tariffSchema>;
export type TariffVersion = Tariff['versions'][number];
export type TariffEnergy = TariffVersion['energy'];
