import { createRoute, z } from '@hono/zod-openapi';
import {
  contractBill,
  contractInvoices,
  contractPeriods,
  visibleInvoice,
} from '../../billing/bill-view.js';
import { boundedInstantText } from '../../fleet/input-rules.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { parseRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { billSchema, invoiceSchema, periodItemSchema } from './billing-schemas.js';
import { presentBill, presentInvoice, presentPeriod } from './billing-presenters.js';
import { BEARER, idParam, json, listOf, problems } from './schemas.js';

/** An un-encoded `+` in a query string arrives as a space: `...T00:00:00 02:00` means `+02:00`. */
const plusRestored = (s: string) => s.replace(/ (\d{2}:\d{2})$/, '+$1');

const atQuery = z.object({
  at: z
    .string()
    .transform(plusRestored)
    .refine((s) => parseRfc3339(s) !== undefined, {
      message: 'at must be an RFC 3339 instant with Z or an offset, e.g. 2026-11-17T14:00:00+01:00',
    })
    .pipe(boundedInstantText)
    .optional()
    .openapi({
      description: 'An instant of the period whose bill is wanted; default now',
      example: '2026-11-17T14:00:00Z',
    }),
});

const numberParam = z.object({
  number: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'number', in: 'path' }, example: 'INV-2026-000042' }),
});

const billRoute = createRoute({
  method: 'get',
  path: '/contracts/{id}/bill',
  tags: ['billing'],
  security: BEARER,
  summary: 'The bill of the billing period containing `at` (its customer, staff, admin)',
  description:
    "An open period answers its estimate (`estimated`: measured so far plus a projection of import and export, standing charge for the full period, and `estimate: {p10, p50, p90}`, the range the settled total is expected in; the estimate shown is recorded); an ended one its measured bill (`provisional`, or `held` with `holdReason`), from the back-billing cap when the period straddles it, and nothing (`held`, `back_billing_cap`, zero total) when it ended before the cap, since it will never be invoiced; a settled one its invoice (`settled`, with `invoiceNumber`). `lines` always add up to `total`. Another customer's contract answers 404.",
  request: { params: idParam, query: atQuery },
  responses: { 200: json('the bill', billSchema), ...problems(400, 401, 403, 404, 503) },
});

const periodsRoute = createRoute({
  method: 'get',
  path: '/contracts/{id}/periods',
  tags: ['billing'],
  security: BEARER,
  summary:
    'Every billing period of a contract up to the current one, newest first (its customer, staff, admin)',
  description:
    'The current period is `open`; an ended period is `closed`, `held` or `settled` (an ended period the close job has not recorded yet is `closed` with `closedAt` null).',
  request: { params: idParam },
  responses: {
    200: json('the periods, newest first', listOf(periodItemSchema)),
    ...problems(400, 401, 403, 404),
  },
});

const invoicesRoute = createRoute({
  method: 'get',
  path: '/contracts/{id}/invoices',
  tags: ['billing'],
  security: BEARER,
  summary: 'The invoices of a contract, newest first (its customer, staff, admin)',
  request: { params: idParam },
  responses: {
    200: json('the invoices, newest first', listOf(invoiceSchema)),
    ...problems(400, 401, 403, 404),
  },
});

const invoiceRoute = createRoute({
  method: 'get',
  path: '/invoices/{number}',
  tags: ['billing'],
  security: BEARER,
  summary: 'An invoice (its customer, staff, admin)',
  description:
    "Another customer's invoice answers 404, exactly like an invoice that does not exist.",
  request: { params: numberParam },
  responses: { 200: json('the invoice', invoiceSchema), ...problems(400, 401, 403, 404) },
});

/** Bills, billing periods and invoices of a contract: its customer, staff and admins. */
export function billRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(billRoute, async (c) => {
    const { at } = c.req.valid('query');
    const bill = await contractBill(
      deps,
      visibilityOf(c.get('principal')),
      c.req.valid('param').id,
      at === undefined ? undefined : parseRfc3339(at),
    );
    return c.json(presentBill(bill), 200);
  });
  r.openapi(periodsRoute, async (c) => {
    const items = await contractPeriods(
      deps,
      visibilityOf(c.get('principal')),
      c.req.valid('param').id,
    );
    return c.json({ items: items.map(presentPeriod) }, 200);
  });
  r.openapi(invoicesRoute, async (c) => {
    const items = await contractInvoices(
      deps.db,
      visibilityOf(c.get('principal')),
      c.req.valid('param').id,
    );
    return c.json({ items: items.map(presentInvoice) }, 200);
  });
  r.openapi(invoiceRoute, async (c) =>
    c.json(
      presentInvoice(
        await visibleInvoice(
          deps.db,
          visibilityOf(c.get('principal')),
          c.req.valid('param').number,
        ),
      ),
      200,
    ),
  );
  return r;
}
