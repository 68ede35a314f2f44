import { z } from '@hono/zod-openapi';
import { isValidTimeZone } from '../../consumption/group-by.js';
import type { Bucket } from '../../consumption/buckets.js';
import { QUALITIES } from '../../consumption/quality.js';
import { boundedInstantText } from '../../fleet/input-rules.js';
import { AppError } from '../../shared/app-error.js';
import { parseRfc3339, toRfc3339 } from '../../shared/time.js';

/** An un-encoded `+` in a query string arrives as a space: `...T00:00:00 02:00` means `+02:00`. */
const plusRestored = (s: string) => s.replace(/ (\d{2}:\d{2})$/, '+$1');
/** A query instant (`from`, `to`): RFC 3339, with a `+` that arrived as a space restored. */
export const instant = (name: string) =>
  z
    .string()
    .transform(plusRestored)
    .refine((s) => parseRfc3339(s) !== undefined, {
      message: `${name} must be an RFC 3339 instant with Z or an offset, e.g. 2026-11-01T00:00:00Z`,
    })
    .pipe(boundedInstantText)
    .openapi({ example: '2026-11-01T00:00:00Z' });

export const bucket = z
  .object({
    start: z.string(),
    end: z.string(),
    importWh: z.number().nullable(),
    exportWh: z.number().nullable(),
    quality: z.enum(QUALITIES).openapi({
      description:
        '`missing`: no reading at or before the bucket start, no value. `partial`: the bucket runs past the latest reading; its value stops there. `manual`: the value rests on a reading staff entered (or corrected); `self-read`: on one the customer entered. `interpolated`: part of the bucket lies in a gap of more than an hour between readings. `measured`: otherwise. When several apply, the first in this list is answered.',
    }),
    registers: z.record(z.string(), z.number().nullable()).optional().openapi({
      description:
        'With `registers=true`: the Wh counted on each of the meter’s own registers in this bucket (e.g. HCHC, HCHP), so its off-peak count can sit beside the tariff’s bands.',
    }),
    counterEvents: z
      .array(z.enum(['reset', 'wrap']))
      .optional()
      .openapi({
        description:
          'Present when a register span began inside this bucket: the counter restarted from 0 (`reset`) or wrapped past its maximum (`wrap`); the value counts across it.',
      }),
  })
  .openapi('ConsumptionBucket');

/** What every consumption answer holds besides whose it is. */
export const consumptionFields = {
  unit: z.literal('Wh'),
  groupBy: z.enum(['15m', 'hour', 'day', 'month']),
  tz: z.string(),
  start: z.string(),
  end: z.string(),
  buckets: z.array(bucket),
};

/** The query of every consumption route. */
export const consumptionQuery = {
  from: instant('from'),
  to: instant('to'),
  groupBy: z.enum(['15m', 'hour', 'day', 'month']).default('hour'),
  tz: z.string().optional().openapi({ example: 'Europe/Paris' }),
};

/**
 * A consumption query's range as epoch ms, refusing `from` after `to` and an unknown zone
 * (AppError `validation_failed`).
 */
export function queryRange(q: { from: string; to: string; tz?: string | undefined }): {
  from: number;
  to: number;
} {
  const from = parseRfc3339(q.from)!;
  const to = parseRfc3339(q.to)!;
  if (from > to) throw new AppError('validation_failed', `from (${q.from}) is after to (${q.to})`);
  if (q.tz !== undefined && !isValidTimeZone(q.tz))
    throw new AppError('validation_failed', `tz: unknown IANA time zone ${JSON.stringify(q.tz)}`);
  return { from, to };
}

/** A bucket as the API answers it. */
export const presentBucket = (b: Bucket) => ({
  start: toRfc3339(b.start),
  end: toRfc3339(b.end),
  importWh: b.importWh,
  exportWh: b.exportWh,
  quality: b.quality,
});
