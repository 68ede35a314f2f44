import { createRoute } from '@hono/zod-openapi';
import { requireRole, type Authenticator } from '../../auth/authenticate.js';
import { tariffSchema } from '../../billing/tariff-schema.js';
import { createApiKey, listApiKeys, newApiKeySchema, revokeApiKey } from '../../fleet/api-keys.js';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  newCustomerSchema,
} from '../../fleet/customers.js';
import { createTariff, getTariff, listTariffs } from '../../fleet/tariffs.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { contractRoutes } from './contract-routes.js';
import { meRoutes } from './me-routes.js';
import { meterRoutes } from './meter-routes.js';
import { BEARER, idParam, json, jsonBody, listOf, problems } from './schemas.js';
import { presentApiKey, presentCustomer, presentTariff } from './fleet-presenters.js';
import {
  apiKeySchema,
  createdApiKeySchema,
  customerSchema,
  tariffResponseSchema,
} from './fleet-schemas.js';

const admin = requireRole('admin');
const reader = requireRole('staff', 'admin');
const WRITE_PROBLEMS = problems(400, 401, 403, 413, 415);
const READ_PROBLEMS = problems(401, 403);

const postCustomer = createRoute({
  method: 'post',
  path: '/customers',
  tags: ['fleet'],
  security: BEARER,
  middleware: admin,
  summary: 'Create a customer (admin)',
  request: { body: jsonBody(newCustomerSchema.openapi('NewCustomer')) },
  responses: { 201: json('the created customer', customerSchema), ...WRITE_PROBLEMS },
});
const listCustomersRoute = createRoute({
  method: 'get',
  path: '/customers',
  tags: ['fleet'],
  security: BEARER,
  middleware: reader,
  summary: 'List customers (staff, admin)',
  responses: {
    200: json('every customer, oldest first', listOf(customerSchema)),
    ...READ_PROBLEMS,
  },
});
const getCustomerRoute = createRoute({
  method: 'get',
  path: '/customers/{id}',
  tags: ['fleet'],
  security: BEARER,
  middleware: reader,
  summary: 'A customer (staff, admin)',
  request: { params: idParam },
  responses: { 200: json('the customer', customerSchema), ...READ_PROBLEMS, ...problems(400, 404) },
});

const postTariff = createRoute({
  method: 'post',
  path: '/tariffs',
  tags: ['fleet'],
  security: BEARER,
  middleware: admin,
  summary: 'Create a tariff (admin)',
  description:
    'The tariff document of docs/design.md §5: versions of rates per kWh (`flat`, `tou` or `tiered`), a standing charge per day, an optional export rate and taxes. Every rate is a decimal string.',
  request: { body: jsonBody(tariffSchema.openapi('TariffDocument')) },
  responses: { 201: json('the created tariff', tariffResponseSchema), ...WRITE_PROBLEMS },
});
const listTariffsRoute = createRoute({
  method: 'get',
  path: '/tariffs',
  tags: ['fleet'],
  security: BEARER,
  middleware: reader,
  summary: 'List tariffs (staff, admin)',
  responses: {
    200: json('every tariff, oldest first', listOf(tariffResponseSchema)),
    ...READ_PROBLEMS,
  },
});
const getTariffRoute = createRoute({
  method: 'get',
  path: '/tariffs/{id}',
  tags: ['fleet'],
  security: BEARER,
  middleware: reader,
  summary: 'A tariff (staff, admin)',
  request: { params: idParam },
  responses: {
    200: json('the tariff', tariffResponseSchema),
    ...READ_PROBLEMS,
    ...problems(400, 404),
  },
});

const postApiKey = createRoute({
  method: 'post',
  path: '/api-keys',
  tags: ['keys'],
  security: BEARER,
  middleware: admin,
  summary: 'Create an API key (admin)',
  description:
    'Role `customer` needs the `customerId` it is bound to; `staff` and `admin` keys have none. The answer is the only time the key is shown: only its hash is stored.',
  request: { body: jsonBody(newApiKeySchema.openapi('NewApiKey')) },
  responses: {
    201: json('the created key, shown this once', createdApiKeySchema),
    ...WRITE_PROBLEMS,
    ...problems(404),
  },
});
const listApiKeysRoute = createRoute({
  method: 'get',
  path: '/api-keys',
  tags: ['keys'],
  security: BEARER,
  middleware: admin,
  summary: 'List API keys, without the keys (admin)',
  responses: { 200: json('every key, oldest first', listOf(apiKeySchema)), ...READ_PROBLEMS },
});
const revokeApiKeyRoute = createRoute({
  method: 'delete',
  path: '/api-keys/{id}',
  tags: ['keys'],
  security: BEARER,
  middleware: admin,
  summary: 'Revoke an API key (admin)',
  description:
    'Idempotent. Servers cache keys for up to 30 s, so a revoked key may be accepted that much longer.',
  request: { params: idParam },
  responses: {
    200: json('the revoked key', apiKeySchema),
    ...READ_PROBLEMS,
    ...problems(400, 404),
  },
});

/**
 * Fleet set-up and reading: customers, tariffs, contracts, meters, API keys, and the customer's own
 * view (`/customers/me`, mounted first so that `me` is never taken for a customer id).
 */
export function fleetRoutes(deps: AppDeps, keys: Pick<Authenticator, 'forget'>) {
  const r = createRouter();
  r.route('/', meRoutes(deps));
  r.openapi(postCustomer, async (c) =>
    c.json(presentCustomer(await createCustomer(deps, c.req.valid('json'))), 201),
  );
  r.openapi(listCustomersRoute, async (c) =>
    c.json({ items: (await listCustomers(deps.db)).map(presentCustomer) }, 200),
  );
  r.openapi(getCustomerRoute, async (c) =>
    c.json(presentCustomer(await getCustomer(deps.db, c.req.valid('param').id)), 200),
  );
  r.openapi(postTariff, async (c) =>
    c.json(presentTariff(await createTariff(deps, c.req.valid('json'))), 201),
  );
  r.openapi(listTariffsRoute, async (c) =>
    c.json({ items: (await listTariffs(deps.db)).map(presentTariff) }, 200),
  );
  r.openapi(getTariffRoute, async (c) =>
    c.json(presentTariff(await getTariff(deps.db, c.req.valid('param').id)), 200),
  );
  r.openapi(postApiKey, async (c) => {
    const created = await createApiKey(deps, c.req.valid('json'));
    return c.json({ ...presentApiKey(created), key: created.key }, 201);
  });
  r.openapi(listApiKeysRoute, async (c) =>
    c.json({ items: (await listApiKeys(deps.db)).map(presentApiKey) }, 200),
  );
  r.openapi(revokeApiKeyRoute, async (c) => {
    const revoked = await revokeApiKey(deps, c.req.valid('param').id);
    keys.forget();
    return c.json(presentApiKey(revoked), 200);
  });
  r.route('/', contractRoutes(deps));
  r.route('/', meterRoutes(deps));
  return r;
}
