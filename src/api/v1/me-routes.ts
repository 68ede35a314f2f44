import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../auth/principal.js';
import { getCustomer } from '../../fleet/customers.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, problems } from './schemas.js';
import { presentCustomer } from './fleet-presenters.js';
import { customerSchema } from './fleet-schemas.js';

const getMe = createRoute({
  method: 'get',
  path: '/customers/me',
  tags: ['customer'],
  security: BEARER,
  summary: 'The customer a customer key belongs to',
  description: 'For customer keys only: staff and admin keys belong to no customer and get 403.',
  responses: { 200: json('the customer of the key', customerSchema), ...problems(401, 403) },
});

const whoAmI = createRoute({
  method: 'get',
  path: '/me',
  tags: ['session'],
  security: BEARER,
  summary: "The caller: its key's role and, for a customer key, its customer (every role)",
  description:
    'Lets an app decide what to show without trying a route and reading a refusal. A customer key that belongs to no customer gets 403, as on every other route.',
  responses: {
    200: json(
      'who the key belongs to',
      z
        .object({
          role: z.enum(ROLES),
          customer: customerSchema
            .optional()
            .openapi({ description: 'For a customer key: the customer it belongs to' }),
        })
        .openapi('Me'),
    ),
    ...problems(401, 403),
  },
});

/**
 * `/me`, the caller; and the caller's own customer record. Mounted before `/customers/{id}` so that `me` is not read as an
 * id.
 */
export function meRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(whoAmI, async (c) => {
    const p = c.get('principal');
    if (p.role !== 'customer') return c.json({ role: p.role }, 200);
    const v = visibilityOf(p);
    if (v.all) throw new Error('a customer key sees one customer');
    return c.json(
      { role: p.role, customer: presentCustomer(await getCustomer(deps.db, v.customerId)) },
      200,
    );
  });
  r.openapi(getMe, async (c) => {
    const p = c.get('principal');
    if (p.role !== 'customer' || p.customerId === null) {
      throw new AppError(
        'forbidden',
        `/v1/customers/me is for customer keys; this key has role ${p.role} and belongs to no customer (use /v1/customers/{id})`,
      );
    }
    return c.json(presentCustomer(await getCustomer(deps.db, p.customerId)), 200);
  });
  return r;
}
