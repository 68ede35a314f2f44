import { createRoute, z } from '@hono/zod-openapi';
import { visibilityOf } from '../../fleet/visibility.js';
import { contractConsumption } from '../../privacy/contract-consumption.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import {
  consumptionFields,
  consumptionQuery,
  presentBucket,
  queryRange,
} from './consumption-shapes.js';
import { BEARER, idParam, json, problems } from './schemas.js';

const contractConsumptionSchema = z
  .object({
    contractId: z.string(),
    ...consumptionFields,
    totals: z.object({ importWh: z.number(), exportWh: z.number().nullable() }),
    meters: z.array(
      z.object({ meterId: z.string(), from: z.string(), to: z.string().nullable() }).openapi({
        description: 'A meter of the contract and when it was in service',
      }),
    ),
  })
  .openapi('ContractConsumption');

const route = createRoute({
  method: 'get',
  path: '/contracts/{id}/consumption',
  tags: ['consumption'],
  security: BEARER,
  summary: "A contract's consumption across all its meters (owner, staff, admin)",
  description:
    'The same parameters and rules as a meter’s consumption. Each meter counts while it was in service: across a meter exchange the old meter counts up to its final index and the new one from its start index, so the buckets run on without gap or spike. A bucket’s quality is the weakest of the meters in service in it.',
  request: {
    params: idParam,
    query: z.object(consumptionQuery),
  },
  responses: {
    200: json('Consumption buckets and totals of the contract', contractConsumptionSchema),
    ...problems(400, 401, 403, 404, 503),
  },
});

/** `GET /contracts/{id}/consumption`. */
export function contractConsumptionRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const { from, to } = queryRange(q);
    const result = await contractConsumption(deps, {
      visibility: visibilityOf(c.get('principal')),
      contractId: c.req.valid('param').id,
      from,
      to,
      groupBy: q.groupBy,
      tz: q.tz,
    });
    return c.json(
      {
        contractId: result.contractId,
        unit: 'Wh' as const,
        groupBy: result.groupBy,
        tz: result.tz,
        start: toRfc3339(result.start),
        end: toRfc3339(result.end),
        buckets: result.buckets.map(presentBucket),
        totals: result.totals,
        meters: result.meters.map((m) => ({
          meterId: m.meterId,
          from: toRfc3339(m.from),
          to: m.to === null ? null : toRfc3339(m.to),
        })),
      },
      200,
    );
  });
  return r;
}
