import { readingSourceOf, tsSourceOf } from '../../readings/reading.js';
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import type { MeterLookup } from '../../fleet/meter-lookup.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { requireConsent } from '../../privacy/consent.js';
import { meterConsumption } from '../../privacy/meter-consumption.js';
import { isCachedStore } from '../../readings/cache/cached-store.js';
import { daySeriesSource } from '../../readings/days/day-series-source.js';
import { fromStore } from '../../readings/from-store.js';
import { BEARER, json, meterIdParam, problems } from './schemas.js';
import {
  consumptionFields,
  consumptionQuery,
  presentBucket,
  queryRange,
} from './consumption-shapes.js';

const latestReading = z
  .object({
    meterId: z.string(),
    ts: z.string(),
    importWh: z.number(),
    exportWh: z.number().nullable(),
    powerW: z.number().nullable(),
    receivedAt: z.string(),
    tsSource: z.enum(['meter', 'received']).openapi({
      description:
        '`meter`: `ts` is the device’s own time. `received`: the device sent no time to trust (none, an unsynced clock, a local time inside the repeated hour of a DST change), so `ts` is when wattledger received it.',
    }),
    registers: z
      .record(z.string(), z.number())
      .nullable()
      .openapi({
        description:
          'A multi-register meter’s own counters by their device names (e.g. HCHC, HCHP, EASF01), in Wh; their sum is `importWh`. Null for a single-register meter.',
        example: { HCHC: 5_321_012, HCHP: 7_104_233 },
      }),
    source: z.enum(['meter', 'customer', 'staff']).openapi({
      description:
        'Who took the reading: `meter` (the device sent it), `customer` (read off the meter by the customer and entered in the app) or `staff` (entered or corrected by staff).',
    }),
  })
  .openapi('LatestReading');

const latestRoute = createRoute({
  method: 'get',
  path: '/meters/{meterId}/readings/latest',
  tags: ['consumption'],
  security: BEARER,
  summary: 'The last reading of a meter (by meter time) and when it was received',
  description:
    "Needs the contract's consent `interval` (403 `consent_required` otherwise, for every role): the instantaneous power and a register read at any moment are finer than a day.",
  request: { params: meterIdParam },
  responses: {
    200: json('The latest reading', latestReading),
    ...problems(400, 401, 403, 404, 503),
  },
});

const consumption = z
  .object({
    meterId: z.string(),
    ...consumptionFields,
    totals: z.object({
      importWh: z.number(),
      exportWh: z.number().nullable(),
      registers: z.record(z.string(), z.number()).optional(),
    }),
  })
  .openapi('Consumption');

const consumptionRoute = createRoute({
  method: 'get',
  path: '/meters/{meterId}/consumption',
  tags: ['consumption'],
  security: BEARER,
  summary: 'Exact consumption per quarter hour, hour, local day or local month',
  description:
    "Buckets follow local calendar days in `tz` (default: the contract's time zone): DST days are 23 h or 25 h. `from`/`to` are snapped outward to bucket edges. Each bucket says how it was obtained (`quality`).\n\n" +
    "The contract's consent limits what anyone (customer, staff, admin) sees: `month` allows `groupBy=month`, `day` adds `day`, `interval` adds `hour` and `15m`; a finer `groupBy` answers 403 `consent_required` naming `requiredConsent`. Below `interval`, `tz` must be the contract's zone, and a bucket still running (`partial`) shows only its consented units that are over (the past days of the current month for `day`) or null.",
  request: {
    params: meterIdParam,
    query: z.object({
      ...consumptionQuery,
      registers: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true')
        .openapi({
          description:
            'Also answer, per bucket and in total, the consumption counted on each of a multi-register meter’s own registers (empty for a single-register meter).',
        }),
    }),
  },
  responses: {
    200: json('Consumption buckets and totals', consumption),
    ...problems(400, 401, 403, 404, 503),
  },
});

/** Readings and consumption of a meter: owner, staff and admin. */
export function consumptionRoutes(deps: AppDeps, meters: MeterLookup) {
  // Days the jobs process summarised are read as about one row a day (the cold path).
  const days = daySeriesSource({
    ...deps,
    cached: isCachedStore(deps.store) ? deps.store : undefined,
  });
  const r = createRouter();
  r.openapi(latestRoute, async (c) => {
    const meter = await meters.get(visibilityOf(c.get('principal')), c.req.valid('param').meterId);
    requireConsent(
      meter.consent,
      'interval',
      'the latest reading (its instantaneous power and register)',
    );
    const latest = await fromStore('the latest reading', deps.store.latest(meter.id));
    if (latest === undefined)
      throw new AppError('not_found', `meter ${meter.id} has no reading yet`);
    return c.json(
      {
        meterId: meter.id,
        ts: toRfc3339(latest.ts),
        importWh: latest.importWh,
        exportWh: latest.exportWh ?? null,
        powerW: latest.powerW ?? null,
        receivedAt: toRfc3339(latest.receivedAt),
        tsSource: tsSourceOf(latest),
        registers: latest.registers === undefined ? null : { ...latest.registers },
        source: readingSourceOf(latest),
      },
      200,
    );
  });
  r.openapi(consumptionRoute, async (c) => {
    const q = c.req.valid('query');
    const { from, to } = queryRange(q);
    const result = await meterConsumption(
      { store: deps.store, meters, days },
      {
        visibility: visibilityOf(c.get('principal')),
        meterId: c.req.valid('param').meterId,
        from,
        to,
        groupBy: q.groupBy,
        tz: q.tz,
        registers: q.registers,
      },
    );
    const perRegister = result.registers;
    return c.json(
      {
        meterId: result.meterId,
        unit: 'Wh' as const,
        groupBy: result.groupBy,
        tz: result.tz,
        start: toRfc3339(result.start),
        end: toRfc3339(result.end),
        buckets: result.buckets.map((b, i) => ({
          ...presentBucket(b),
          ...(perRegister === undefined ? {} : { registers: perRegister.buckets[i] ?? {} }),
          ...((result.counterEvents[i]?.length ?? 0) === 0
            ? {}
            : { counterEvents: [...result.counterEvents[i]!] }),
        })),
        totals:
          perRegister === undefined
            ? result.totals
            : { ...result.totals, registers: perRegister.totals },
      },
      200,
    );
  });
  return r;
}
