import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { REJECTION_REASONS } from '../../ingest/rejection.js';
import { listRejections } from '../../ingest/rejections-repo.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, problems } from './schemas.js';

const rejection = z
  .object({
    id: z.string(),
    reason: z.enum(REJECTION_REASONS),
    detail: z.string(),
    meterId: z.string().nullable(),
    topic: z.string(),
    payload: z
      .string()
      .openapi({ description: 'The raw payload as received (UTF-8), cut at 64 KiB' }),
    payloadBytes: z.number().int().openapi({ description: 'Size of the original payload' }),
    receivedAt: z.string(),
  })
  .openapi('Rejection');

const page = z
  .object({
    items: z.array(rejection),
    nextCursor: z.string().optional().openapi({
      description: 'Pass as `before` for the next (older) page; absent on the last page',
    }),
  })
  .openapi('RejectionPage');

const listRoute = createRoute({
  method: 'get',
  path: '/ingest/rejections',
  tags: ['ingest'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: 'Dead letters of ingest, newest first (staff)',
  description:
    'Every message or reading that was not stored as a reading, with its reason, topic, raw payload and receive time.',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z
        .string()
        .regex(/^\d{1,15}$/, 'must be a cursor from nextCursor')
        .optional(),
      meterId: z.string().min(1).max(64).optional(),
      reason: z.enum(REJECTION_REASONS).optional(),
    }),
  },
  responses: { 200: json('a page of rejections', page), ...problems(400, 401, 403) },
});

/** `GET /v1/ingest/rejections`: staff review what ingest refused. */
export function rejectionRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const result = await listRejections(deps.db, {
      limit: q.limit,
      before: q.before === undefined ? undefined : Number(q.before),
      meterId: q.meterId,
      reason: q.reason,
    });
    return c.json(
      {
        items: result.items.map((j) => ({
          id: j.id,
          reason: j.reason,
          detail: j.detail,
          meterId: j.meterId,
          topic: j.topic,
          payload: j.payload,
          payloadBytes: j.payloadBytes,
          receivedAt: toRfc3339(j.receivedAt),
        })),
        ...(result.nextCursor === undefined ? {} : { nextCursor: String(result.nextCursor) }),
      },
      200,
    );
  });
  return r;
}
