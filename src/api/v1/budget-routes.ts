import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../audit/audit-log.js';
import { requireRole } from '../../auth/authenticate.js';
import {
  budgetBodySchema,
  getBudget,
  setBudget,
  type Budget,
} from '../../billing/budget/budgets.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, idParam, json, jsonBody, problems } from './schemas.js';

const budgetSchema = z
  .object({
    contractId: z.string(),
    amount: z.string().nullable().openapi({
      description: "Per billing period, with the currency's minor digits; null when none is set",
      example: '120.00',
    }),
    currency: z.string().openapi({ description: "The contract's tariff currency", example: 'EUR' }),
    updatedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('Budget');

const budgetBody = budgetBodySchema
  .extend({
    amount: budgetBodySchema.shape.amount.openapi({
      description:
        "A decimal string in the contract's currency, at most its minor digits; null removes the budget",
      example: '120.00',
    }),
  })
  .openapi('BudgetChange');

const putBudget = createRoute({
  method: 'put',
  path: '/contracts/{id}/budget',
  tags: ['budget'],
  security: BEARER,
  middleware: requireRole('customer', 'admin'),
  summary: "Set the monthly budget the app warns against (the contract's customer, admin)",
  description:
    "The customer's app warns when the estimate of the open period passes the budget: likely when its most likely total (`p50`) does, almost surely when even its low end (`p10`) does. It is the customer's own limit, so staff may not set it (403); an admin may, to record one a customer asked for elsewhere. Another customer's contract answers 404.",
  request: { params: idParam, body: jsonBody(budgetBody) },
  responses: {
    200: json('the budget as set', budgetSchema),
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

const getBudgetRoute = createRoute({
  method: 'get',
  path: '/contracts/{id}/budget',
  tags: ['budget'],
  security: BEARER,
  summary: 'The monthly budget of a contract (its customer, staff, admin)',
  request: { params: idParam },
  responses: { 200: json('the budget', budgetSchema), ...problems(400, 401, 403, 404) },
});

const present = (b: Budget) => ({
  contractId: b.contractId,
  amount: b.amount,
  currency: b.currency,
  updatedAt: b.updatedAt === null ? null : toRfc3339(b.updatedAt),
});

/** A contract's monthly budget: read by its customer, staff and admins; set by its customer. */
export function budgetRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(getBudgetRoute, async (c) =>
    c.json(
      present(await getBudget(deps, visibilityOf(c.get('principal')), c.req.valid('param').id)),
      200,
    ),
  );
  r.openapi(putBudget, async (c) => {
    const p = c.get('principal');
    const budget = await setBudget(
      deps,
      visibilityOf(p),
      actorOf(p),
      c.req.valid('param').id,
      c.req.valid('json').amount,
    );
    return c.json(present(budget), 200);
  });
  return r;
}
