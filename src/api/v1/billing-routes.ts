import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { actorOf } from '../../audit/audit-log.js';
import { billingSummary } from '../../billing/billing-summary.js';
import { DEFAULT_BILLING_OPTIONS } from '../../billing/settlement/billing-deps.js';
import { closeEndedPeriods, moveOut } from '../../billing/settlement/close-periods.js';
import { runSettlement } from '../../billing/settlement/run-settlement.js';
import { requireRole } from '../../auth/authenticate.js';
import { floorQuarter } from '../../consumption/edge-rule.js';
import { boundedInstantSchema } from '../../fleet/input-rules.js';
import { toRfc3339 } from '../../shared/time.js';
import type { ApiEnv, AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { closeResultSchema, settlementResultSchema, summarySchema } from './billing-schemas.js';
import { BEARER, json, problems } from './schemas.js';

/**
 * The bodies of these operations are optional. Sent without a body (and without a content type)
 * they are `{}` already; a client that sends an empty body labelled JSON means the same, not
 * malformed JSON.
 */
const emptyBodyIsEmptyObject: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (/json/i.test(c.req.header('content-type') ?? '') && (await c.req.text()).trim() === '') {
    // Hono caches bodies as promises (whatever its BodyCache type says); the JSON validator then
    // reads `{}`.
    (c.req.bodyCache as Record<string, Promise<unknown>>).text = Promise.resolve('{}');
  }
  await next();
};

const staffOnly = [requireRole('staff', 'admin'), emptyBodyIsEmptyObject];
const optionalBody = <T extends z.ZodType>(schema: T) => ({
  required: false,
  content: { 'application/json': { schema } },
});

const closeBody = z
  .strictObject({
    contractId: z.string().min(1).max(64).optional().openapi({
      description: "Move-out: end this contract's current period at `at`",
      example: 'ctr_5k2m9x0q4r7t1v8w',
    }),
    at: boundedInstantSchema.optional().openapi({
      type: 'string',
      format: 'date-time',
      example: '2026-11-17T14:00:00+01:00',
      description:
        'Default now (for a move-out: now floored to the quarter hour). Never in the future; a move-out must lie on a quarter hour.',
    }),
  })
  .openapi('CloseRequest');

const settleBody = z
  .strictObject({
    contractId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Only this contract's periods" }),
    force: z.boolean().optional().openapi({
      description:
        'Settle held periods too, extrapolating missing end indexes (the invoice lines say so)',
    }),
  })
  .openapi('SettleRequest');

const closeRoute = createRoute({
  method: 'post',
  path: '/billing/close',
  tags: ['billing'],
  security: BEARER,
  middleware: staffOnly,
  summary: 'Close ended billing periods, or record a move-out (staff)',
  description:
    'Without `contractId`: close every period of every contract that ended at or before `at`. With `contractId`: a move-out, the contract and its current period end at `at`. Idempotent: closed periods stay as they are. The body is optional.',
  request: { body: optionalBody(closeBody) },
  responses: {
    200: json('the periods this call closed', closeResultSchema),
    ...problems(400, 401, 403, 404, 409, 413, 415),
  },
});

const settleRoute = createRoute({
  method: 'post',
  path: '/billing/settle',
  tags: ['billing'],
  security: BEARER,
  middleware: staffOnly,
  summary: 'Run settlement now, as the cron does (staff)',
  description:
    'Closes ended periods, settles those past their grace window into invoices (or holds them without a reading after their end), records adjustments of settled periods changed by late readings. Safe to repeat. The body is optional.',
  request: { body: optionalBody(settleBody) },
  responses: {
    200: json('what the run did', settlementResultSchema),
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/billing/summary',
  tags: ['billing'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: "Count and total of the month's bills per status and currency (staff)",
  description:
    "Every contract whose billing period overlaps the calendar month (in the contract's time zone) counts once, with its bill as `GET /v1/contracts/{id}/bill` answers it: estimated, provisional, settled or held. Totals are exact.",
  request: {
    query: z.object({
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, e.g. 2026-11')
        .openapi({ example: '2026-11' }),
    }),
  },
  responses: {
    200: json("the month's bills by status and currency", summarySchema),
    ...problems(400, 401, 403, 503),
  },
});

/** Billing operations of staff: close periods, settle, and the monthly summary. */
export function billingRoutes(deps: AppDeps) {
  const r = createRouter();
  const billing = { db: deps.db, store: deps.store, clock: deps.clock, log: deps.log };
  r.openapi(closeRoute, async (c) => {
    const body = c.req.valid('json');
    const actor = actorOf(c.get('principal'));
    const now = deps.clock.now();
    // A move-out is recorded on the interval grid (periods are unions of quarter hours); a plain
    // close may be at any instant.
    const { closed } =
      body.contractId === undefined
        ? await closeEndedPeriods(billing, { at: body.at ?? now, actor })
        : await moveOut(billing, {
            contractId: body.contractId,
            at: body.at ?? floorQuarter(now),
            actor,
          });
    return c.json(
      {
        closed: closed.length,
        periods: closed.map((p) => ({
          id: p.id,
          contractId: p.contractId,
          start: toRfc3339(p.start),
          end: toRfc3339(p.end),
        })),
      },
      200,
    );
  });
  r.openapi(settleRoute, async (c) => {
    const body = c.req.valid('json');
    const result = await runSettlement(billing, deps.billing ?? DEFAULT_BILLING_OPTIONS, {
      actor: actorOf(c.get('principal')),
      contractId: body.contractId,
      force: body.force,
    });
    return c.json({ ...result }, 200);
  });
  r.openapi(summaryRoute, async (c) => {
    const summary = await billingSummary(deps, c.req.valid('query').month);
    return c.json({ month: summary.month, items: [...summary.items] }, 200);
  });
  return r;
}
