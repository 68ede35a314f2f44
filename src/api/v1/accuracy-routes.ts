import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { monthAccuracy } from '../../billing/accuracy/month-accuracy.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, problems } from './schemas.js';

const pct = (description: string) =>
  z
    .number()
    .nullable()
    .openapi({ description: `${description}; null without any estimate` });

const stageSchema = z
  .object({
    day: z.number().int().openapi({
      description: 'The estimate as it stood at the end of this local day of the period',
      example: 15,
    }),
    bills: z.number().int().openapi({ description: 'Estimates compared at this stage' }),
    medianAbsPctError: pct('Median of |estimate − settled| / |settled|, percent'),
    p90AbsPctError: pct('90th percentile of |estimate − settled| / |settled|, percent'),
    coverage80: pct('Share of bills whose settled total lay within p10–p90, percent (aim: 80)'),
  })
  .openapi('AccuracyStage');

const segmentSchema = z
  .object({
    bills: z.number().int().openapi({ description: 'Settled periods compared' }),
    stages: z.array(stageSchema),
  })
  .openapi('AccuracySegment');

const accuracySchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    bills: z.number().int().openapi({ description: "The month's settled periods compared" }),
    stages: z.array(stageSchema).openapi({ description: 'Day 3, 10, 15 and 25, in that order' }),
    segments: z.object({
      solar: segmentSchema.openapi({ description: 'Periods whose invoice credits export' }),
      nonSolar: segmentSchema,
    }),
  })
  .openapi('Accuracy');

const accuracyRoute = createRoute({
  method: 'get',
  path: '/billing/accuracy',
  tags: ['billing'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: "How good the month's estimates were, by stage of the period (staff)",
  description:
    "For every period settled so far among those starting in the month (in the contract's zone), the estimate as it stood at the end of day 3, 10, 15 and 25 of the period — recomputed from the readings received by then, under the consent in force then, so the answer does not change with readings that arrived later — compared with the period's settled total (its invoice without adjustments of earlier periods).",
  request: {
    query: z.strictObject({
      month: z
        .string()
        .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM, e.g. 2026-11')
        .openapi({ example: '2026-11' }),
    }),
  },
  responses: {
    200: json("the accuracy of the month's estimates", accuracySchema),
    ...problems(400, 401, 403, 503),
  },
});

/** `GET /v1/billing/accuracy`: published accuracy of past estimates, for staff. */
export function accuracyRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(accuracyRoute, async (c) => {
    const a = await monthAccuracy(deps, c.req.valid('query').month);
    const stages = (xs: typeof a.stages) => xs.map((s) => ({ ...s }));
    return c.json(
      {
        month: a.month,
        bills: a.bills,
        stages: stages(a.stages),
        segments: {
          solar: { bills: a.segments.solar.bills, stages: stages(a.segments.solar.stages) },
          nonSolar: {
            bills: a.segments.nonSolar.bills,
            stages: stages(a.segments.nonSolar.stages),
          },
        },
      },
      200,
    );
  });
  return r;
}
