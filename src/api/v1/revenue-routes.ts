import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { monthRevenue } from '../../billing/revenue/month-revenue.js';
import { DEFAULT_BILLING_OPTIONS } from '../../billing/settlement/billing-deps.js';
import { boundedInstantText } from '../../fleet/input-rules.js';
import { parseRfc3339, toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, problems } from './schemas.js';

const money = z
  .string()
  .openapi({ description: "Decimal string with the currency's minor digits", example: '48.27' });

/** An un-encoded `+` in a query string arrives as a space: `...T00:00:00 02:00` means `+02:00`. */
const plusRestored = (s: string) => s.replace(/ (\d{2}:\d{2})$/, '+$1');

/** An optional RFC 3339 instant in a query string. */
export const instantQuery = (description: string) =>
  z
    .string()
    .transform(plusRestored)
    .refine((s) => parseRfc3339(s) !== undefined, {
      message: 'must be an RFC 3339 instant with Z or an offset, e.g. 2026-11-17T14:00:00+01:00',
    })
    .pipe(boundedInstantText)
    .optional()
    .openapi({ description, example: '2026-11-17T14:00:00Z' });

/** A calendar month `YYYY-MM`. */
export const monthQuery = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, e.g. 2026-11')
  .openapi({ example: '2026-11' });

const rangeSchema = z.object({ p10: money, p50: money, p90: money }).openapi('MoneyRange', {
  description:
    'A figure not known yet: 10 % of outcomes lie below `p10`, 10 % above `p90`; `p50` is the most likely one',
});

const revenueSchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    asOf: z.string().openapi({ format: 'date-time', description: 'The instant described' }),
    graceHours: z.number().openapi({
      description:
        'How long after a period ends settlement waits for late readings: the window in which provisional money stays provisional',
      example: 72,
    }),
    currencies: z.array(
      z.object({
        currency: z.string().openapi({ example: 'EUR' }),
        settled: money.openapi({
          description:
            "Invoiced by `asOf`: the month's own invoice lines, plus the adjustments of its periods billed by then",
        }),
        provisional: money.openapi({
          description:
            'Periods ended and not settled: their measured bills, which may still change',
        }),
        held: money.openapi({
          description: 'Periods settlement could not settle yet: their measured bills',
        }),
        estimated: rangeSchema.openapi({
          description:
            'Open periods: the range of their sum (bills taken as independent; `p50` is the sum of their estimated totals)',
        }),
        adjustmentsPending: money.openapi({
          description:
            "Adjustments of the month's settled periods (late readings) recorded and not billed yet",
        }),
      }),
    ),
  })
  .openapi('Revenue');

const revenueRoute = createRoute({
  method: 'get',
  path: '/billing/revenue',
  tags: ['revenue'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary:
    "The state of a month's revenue at an instant: settled, provisional, held, estimated (staff)",
  description:
    "Every contract whose billing period overlaps the calendar month (in the contract's time zone) counts once. Invoices and adjustments count up to `asOf` exactly; an unsettled bill is valued from the readings received by `asOf`, or by its valuation of the 15 minutes before when one was taken, and every valuation is kept, so asking again about the same instant gives the same answer. The sum of `settled`, `provisional`, `held`, `estimated.p50` and `adjustmentsPending` is the month's most likely revenue; only `settled` is final.",
  request: {
    query: z.object({
      month: monthQuery,
      asOf: instantQuery('The instant to describe, now or in the past; default now'),
    }),
  },
  responses: {
    200: json("the month's revenue per currency", revenueSchema),
    ...problems(400, 401, 403, 503),
  },
});

/** `GET /v1/billing/revenue`: the state of a month's revenue, for staff. */
export function revenueRoutes(deps: AppDeps) {
  const r = createRouter();
  const graceHours = (deps.billing ?? DEFAULT_BILLING_OPTIONS).graceMs / 3_600_000;
  r.openapi(revenueRoute, async (c) => {
    const q = c.req.valid('query');
    const revenue = await monthRevenue(
      deps,
      q.month,
      q.asOf === undefined ? undefined : parseRfc3339(q.asOf),
    );
    return c.json(
      {
        month: revenue.month,
        asOf: toRfc3339(revenue.asOf),
        graceHours,
        currencies: revenue.currencies.map((x) => ({ ...x, estimated: { ...x.estimated } })),
      },
      200,
    );
  });
  return r;
}
