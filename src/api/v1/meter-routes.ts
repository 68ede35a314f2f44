import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { meterFieldsSchema, refineMeterSource } from '../../fleet/meter.js';
import { createMeter, getMeter, listVisibleMeters } from '../../fleet/meters-repo.js';
import { visibilityOf } from '../../fleet/visibility.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, jsonBody, listOf, meterIdParam, problems } from './schemas.js';
import { presentMeter } from './fleet-presenters.js';
import { meterSchema } from './fleet-schemas.js';

// Over the API a meter always belongs to a contract; the CLI may still register unassigned ones.
const newMeterBody = meterFieldsSchema
  .extend({
    contractId: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  })
  .superRefine(refineMeterSource)
  .openapi('NewMeter');

const postMeter = createRoute({
  method: 'post',
  path: '/meters',
  tags: ['fleet'],
  security: BEARER,
  middleware: requireRole('admin'),
  summary: 'Register a meter (admin)',
  description:
    'The id is the one the meter publishes under (`meters/{id}/readings`) in the wattledger format; a device format (`tasmota`, `shelly-gen2`, `teleinfo`, `dsmr-p1`, `zigbee2mqtt`) binds the exact topic its device publishes on (`source.topic`) instead. Readings before `installedAt` are rejected, and so are readings implying more power than `maxPowerW`. Ingest accepts the meter at once. 409 when the id exists, or the topic or login is bound in a way this meter cannot share.',
  request: { body: jsonBody(newMeterBody) },
  responses: {
    201: json('the registered meter', meterSchema),
    ...problems(400, 401, 403, 404, 409, 413, 415),
  },
});

const listMetersRoute = createRoute({
  method: 'get',
  path: '/meters',
  tags: ['fleet'],
  security: BEARER,
  summary: 'List meters (a customer: those of its contracts; staff, admin: all)',
  request: {
    query: z.object({
      contractId: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .openapi({ description: 'Only the meters of this contract.' }),
    }),
  },
  responses: {
    200: json('the meters the key may see, by id', listOf(meterSchema)),
    ...problems(400, 401, 403, 404),
  },
});

const getMeterRoute = createRoute({
  method: 'get',
  path: '/meters/{meterId}',
  tags: ['fleet'],
  security: BEARER,
  summary: 'A meter (its customer, staff, admin)',
  description: 'A meter of another customer answers 404, exactly like a meter that does not exist.',
  request: { params: meterIdParam },
  responses: { 200: json('the meter', meterSchema), ...problems(400, 401, 403, 404) },
});

/** `/meters`: registered by admins, read by their customer, staff and admins. */
export function meterRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(postMeter, async (c) => {
    const meter = await createMeter(deps, c.req.valid('json'));
    await deps.onMeterAdded?.(meter.id);
    return c.json(presentMeter(meter), 201);
  });
  r.openapi(listMetersRoute, async (c) => {
    const list = await listVisibleMeters(deps.db, visibilityOf(c.get('principal')), {
      contractId: c.req.valid('query').contractId,
    });
    return c.json({ items: list.map(presentMeter) }, 200);
  });
  r.openapi(getMeterRoute, async (c) =>
    c.json(
      presentMeter(
        await getMeter(deps.db, visibilityOf(c.get('principal')), c.req.valid('param').meterId),
      ),
      200,
    ),
  );
  return r;
}
