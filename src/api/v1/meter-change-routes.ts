import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../audit/audit-log.js';
import { requireRole } from '../../auth/authenticate.js';
import { exchangeSchema } from '../../fleet/exchange/exchange-schema.js';
import { exchangeMeter } from '../../fleet/exchange/exchange-meter.js';
import { meterRulesSchema, updateMeterRules } from '../../fleet/update-meter-rules.js';
import { getMeter } from '../../fleet/meters-repo.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { fromStore } from '../../readings/from-store.js';
import { SPAN_STARTS } from '../../readings/reading.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { presentMeter } from './fleet-presenters.js';
import { meterSchema } from './fleet-schemas.js';
import { BEARER, json, jsonBody, listOf, meterIdParam, problems } from './schemas.js';

const exchangeRoute = createRoute({
  method: 'post',
  path: '/meters/{meterId}/exchange',
  tags: ['fleet'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: 'Replace a meter by a new one (staff, admin)',
  description:
    "The old meter ends at `at` with its final index (stored as a staff reading; later readings are refused), the new one starts there with its start index on the same contract. Consumption, bills and invoices run across both without gap or spike. Audited. 409 when the meter was exchanged already, has readings after `at`, or the new id exists; 422 when the final index is below the old meter's last reading.",
  request: { params: meterIdParam, body: jsonBody(exchangeSchema.openapi('MeterExchange')) },
  responses: {
    201: json('the new meter', meterSchema),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/meters/{meterId}',
  tags: ['fleet'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: "Change how a meter's registers may go down (staff, admin)",
  description:
    '`counterResets` (`reject` or `new-span`), `registerMaxWh` (where the register wraps, or null), `decreaseToleranceWh` (rounding dips held). They apply to readings checked from now on. Audited.',
  request: { params: meterIdParam, body: jsonBody(meterRulesSchema.openapi('MeterRules')) },
  responses: {
    200: json('the meter', meterSchema),
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

const span = z
  .object({
    start: z.string().openapi({ example: '2026-10-10T07:15:00Z' }),
    end: z.string().nullable().openapi({ description: 'null while the span runs' }),
    reason: z.enum(['installed', 'reset', 'wrap']).openapi({
      description:
        '`installed`: the meter was installed (or exchanged in); `reset`: its counter restarted from 0; `wrap`: its register wrapped past its maximum.',
    }),
    startIndex: z.object({ importWh: z.number(), exportWh: z.number().nullable() }).nullable(),
  })
  .openapi('RegisterSpan');

const spansRoute = createRoute({
  method: 'get',
  path: '/meters/{meterId}/spans',
  tags: ['consumption'],
  security: BEARER,
  summary: "A meter's register spans and why each began (owner, staff, admin)",
  description:
    "Consumption counts increases within spans only: a reset's first reading counts its own value, a wrap counts up to the maximum and on from 0. The last span ends when the meter was taken out by an exchange.",
  request: { params: meterIdParam },
  responses: {
    200: json('the spans, oldest first', listOf(span)),
    ...problems(400, 401, 403, 404, 503),
  },
});

/** Meter changes: exchange and counter rules (staff), and the spans they leave (owner too). */
export function meterChangeRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(exchangeRoute, async (c) => {
    const principal = c.get('principal');
    const old = c.req.valid('param').meterId;
    const meter = await exchangeMeter(
      deps,
      { actor: actorOf(principal) },
      old,
      c.req.valid('json'),
    );
    await deps.onMeterAdded?.(old);
    await deps.onMeterAdded?.(meter.id);
    return c.json(presentMeter(meter), 201);
  });
  r.openapi(patchRoute, async (c) => {
    const meterId = c.req.valid('param').meterId;
    const meter = await updateMeterRules(
      deps,
      { actor: actorOf(c.get('principal')) },
      meterId,
      c.req.valid('json'),
    );
    await deps.onMeterAdded?.(meterId);
    return c.json(presentMeter(meter), 200);
  });
  r.openapi(spansRoute, async (c) => {
    const meter = await getMeter(
      deps.db,
      visibilityOf(c.get('principal')),
      c.req.valid('param').meterId,
    );
    const until = meter.removedAt ?? deps.clock.now();
    const events = await fromStore(
      "the meter's counter events",
      deps.store.counterEvents(meter.id, meter.installedAt, until),
    );
    const starts = events.filter((e) => SPAN_STARTS.includes(e.span!.event!));
    // A meter registered with its first reading later has its first span from its installation.
    if (starts[0]?.span?.event !== 'installed')
      starts.unshift({
        meterId: meter.id,
        ts: meter.installedAt,
        importWh: Number.NaN,
        receivedAt: 0,
      });
    const items = starts.map((s, i) => ({
      start: toRfc3339(s.ts),
      end:
        i + 1 < starts.length
          ? toRfc3339(starts[i + 1]!.ts)
          : meter.removedAt === null
            ? null
            : toRfc3339(meter.removedAt),
      reason: (s.span?.event ?? 'installed') as 'installed' | 'reset' | 'wrap',
      startIndex: Number.isNaN(s.importWh)
        ? null
        : { importWh: s.importWh, exportWh: s.exportWh ?? null },
    }));
    return c.json({ items }, 200);
  });
  return r;
}
