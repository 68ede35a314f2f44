import { createRoute } from '@hono/zod-openapi';
import { getCustomer } from '../../fleet/customers.js';
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

/**
 * The caller's own customer record. Mounted before `/customers/{id}` so that `me` is not read as an
 * id.
 */
export function meRoutes(deps: AppDeps) {
  const r = createRouter();
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
