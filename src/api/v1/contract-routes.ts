import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import {
  createContract,
  getContract,
  listContracts,
  newContractSchema,
} from '../../fleet/contracts.js';
import { visibilityOf } from '../../fleet/visibility.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, idParam, json, jsonBody, listOf, problems } from './schemas.js';
import { presentContract } from './fleet-presenters.js';
import { contractSchema } from './fleet-schemas.js';

const postContract = createRoute({
  method: 'post',
  path: '/contracts',
  tags: ['fleet'],
  security: BEARER,
  middleware: requireRole('admin'),
  summary: 'Create a contract (admin)',
  description:
    'Binds a customer to a tariff in an IANA time zone (its billing periods are local calendar months) from `startsAt`, until `endsAt` (move-out) when given. The tariff must have a version in force at `startsAt`.',
  request: { body: jsonBody(newContractSchema.openapi('NewContract')) },
  responses: {
    201: json('the created contract', contractSchema),
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

const listContractsRoute = createRoute({
  method: 'get',
  path: '/contracts',
  tags: ['fleet'],
  security: BEARER,
  summary: 'List contracts (a customer: its own; staff, admin: all)',
  request: {
    query: z.object({
      customerId: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .openapi({ description: 'Only the contracts of this customer.' }),
    }),
  },
  responses: {
    200: json('the contracts the key may see, by start', listOf(contractSchema)),
    ...problems(400, 401, 403),
  },
});

const getContractRoute = createRoute({
  method: 'get',
  path: '/contracts/{id}',
  tags: ['fleet'],
  security: BEARER,
  summary: 'A contract (its customer, staff, admin)',
  description:
    "Another customer's contract answers 404, exactly like a contract that does not exist.",
  request: { params: idParam },
  responses: { 200: json('the contract', contractSchema), ...problems(400, 401, 403, 404) },
});

/** `/contracts`: created by admins, read by their customer, staff and admins. */
export function contractRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(postContract, async (c) =>
    c.json(presentContract(await createContract(deps, c.req.valid('json'))), 201),
  );
  r.openapi(listContractsRoute, async (c) => {
    const list = await listContracts(deps.db, visibilityOf(c.get('principal')), {
      customerId: c.req.valid('query').customerId,
    });
    return c.json({ items: list.map(presentContract) }, 200);
  });
  r.openapi(getContractRoute, async (c) =>
    c.json(
      presentContract(
        await getContract(deps.db, visibilityOf(c.get('principal')), c.req.valid('param').id),
      ),
      200,
    ),
  );
  return r;
}
