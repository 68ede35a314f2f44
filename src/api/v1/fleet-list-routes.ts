import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { fleetInvoices } from '../../billing/revenue/fleet-invoices.js';
import { fleetPeriods } from '../../billing/revenue/fleet-periods.js';
import { PAGE_LIMITS } from '../../billing/revenue/list-cursor.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { invoiceSchema, periodItemSchema } from './billing-schemas.js';
import { presentInvoice, presentPeriod } from './billing-presenters.js';
import { monthQuery } from './revenue-routes.js';
import { BEARER, json, problems } from './schemas.js';

const limit = z.coerce
  .number()
  .int()
  .min(PAGE_LIMITS.min)
  .max(PAGE_LIMITS.max)
  .default(PAGE_LIMITS.default)
  .openapi({ description: `Items per page, ${PAGE_LIMITS.min} to ${PAGE_LIMITS.max}` });
const before = z
  .string()
  .min(1)
  .max(400)
  .optional()
  .openapi({ description: 'The `nextCursor` of the previous page' });
const nextCursor = z.string().optional().openapi({
  description: 'Pass as `before` for the next (older) page; absent on the last page',
});

const fleetPeriodSchema = periodItemSchema
  .extend({ contractId: z.string().openapi({ example: 'ctr_5k2m9x0q4r7t1v8w' }) })
  .openapi('FleetBillingPeriod');

const periodsRoute = createRoute({
  method: 'get',
  path: '/periods',
  tags: ['revenue'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: "Every contract's billing periods, newest first (staff)",
  description:
    "Each period as the contract's own `GET /v1/contracts/{id}/periods` shows it: the current one `open`, an ended one `closed` (with `closedAt` null until the close job records it), `held` or `settled`. `month` keeps the periods that start in that calendar month of their contract's time zone. Ordered by start, newest first, then by contract id.",
  request: {
    query: z.object({
      status: z.enum(['open', 'closed', 'held', 'settled']).optional(),
      month: monthQuery.optional(),
      limit,
      before,
    }),
  },
  responses: {
    200: json(
      'a page of periods',
      z.object({ items: z.array(fleetPeriodSchema), nextCursor }).openapi('FleetPeriodPage'),
    ),
    ...problems(400, 401, 403),
  },
});

const invoicesRoute = createRoute({
  method: 'get',
  path: '/invoices',
  tags: ['revenue'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: 'Every invoice, newest first (staff)',
  description:
    "Ordered by number, newest first (numbers follow the order of issue within a year). `month` keeps the invoices whose period starts in that calendar month of their contract's time zone.",
  request: { query: z.object({ month: monthQuery.optional(), limit, before }) },
  responses: {
    200: json(
      'a page of invoices',
      z.object({ items: z.array(invoiceSchema), nextCursor }).openapi('InvoicePage'),
    ),
    ...problems(400, 401, 403),
  },
});

/**
 * `GET /v1/periods` and `GET /v1/invoices`: the fleet-wide billing lists the staff console works
 * from, instead of two requests per contract.
 */
export function fleetListRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(periodsRoute, async (c) => {
    const page = await fleetPeriods(deps, c.req.valid('query'));
    return c.json(
      {
        items: page.items.map((p) => ({ contractId: p.contractId, ...presentPeriod(p) })),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      },
      200,
    );
  });
  r.openapi(invoicesRoute, async (c) => {
    const page = await fleetInvoices(deps.db, c.req.valid('query'));
    return c.json(
      {
        items: page.items.map(presentInvoice),
        ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
      },
      200,
    );
  });
  return r;
}
