import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth/authenticate.js';
import { correctReading } from '../../readings/manual/correct-reading.js';
import { enterReading } from '../../readings/manual/enter-reading.js';
import {
  listManualEntries,
  type ManualEntry,
  type ReplacedReading,
} from '../../readings/manual/manual-readings-repo.js';
import { correctionSchema, peopleReadingSchema } from '../../readings/manual/manual-schemas.js';
import type { Reading } from '../../readings/reading.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, json, jsonBody, meterIdParam, problems } from './schemas.js';

const taken = z.enum(['customer', 'staff']);

const storedReading = z
  .object({
    meterId: z.string(),
    ts: z.string(),
    importWh: z.number().openapi({
      description:
        "The stored index (Wh): the value entered, on the meter's continuous index (its register spans joined)",
    }),
    exportWh: z.number().nullable(),
    source: taken.openapi({
      description: '`customer`: entered by the meter’s customer; `staff`: by staff or an admin',
    }),
    receivedAt: z.string().openapi({ description: 'When wattledger received it' }),
  })
  .openapi('PeopleReading');

const replaced = z
  .object({
    importWh: z.number(),
    exportWh: z.number().nullable(),
    powerW: z.number().nullable(),
    source: z.enum(['meter', 'customer', 'staff']),
    receivedAt: z.string(),
  })
  .openapi('ReplacedReading');

const correction = storedReading
  .extend({
    reason: z.string(),
    replaced: replaced.nullable().openapi({
      description:
        'The reading stored at `ts` before the correction, kept in the ledger; null when none was stored there (the meter’s reading had been rejected, or never came)',
    }),
  })
  .openapi('Correction');

const entry = z
  .object({
    id: z.number().int(),
    kind: z.enum(['reading', 'correction']),
    meterId: z.string(),
    ts: z.string(),
    importWh: z.number(),
    exportWh: z.number().nullable(),
    source: taken,
    note: z.string().nullable().openapi({ description: 'A reading’s note; null for a correction' }),
    reason: z
      .string()
      .nullable()
      .openapi({ description: 'A correction’s reason; null for a reading' }),
    replaced: replaced.nullable(),
    enteredBy: z.string().openapi({ description: 'The audit name of the key that entered it' }),
    enteredAt: z.string(),
  })
  .openapi('ManualReadingEntry');

const page = z
  .object({
    items: z.array(entry),
    nextCursor: z.string().optional().openapi({
      description: 'Pass as `before` for the next (older) page; absent on the last page',
    }),
  })
  .openapi('ManualReadingPage');

const REFUSALS =
  'A reading that cannot be taken is refused with its rejection reason as `reason`: 422 `unprocessable` for `future_timestamp` (more than 5 minutes ahead of the server clock), `before_installation`, `after_removal` (the meter was exchanged), `register_decrease` (below a stored neighbour) and `implausible_jump` (more power than the meter’s maximum since or until a neighbour); 409 `conflict` with `conflicting_duplicate` when another reading is stored at that instant.';

const postReading = createRoute({
  method: 'post',
  path: '/meters/{meterId}/readings',
  tags: ['readings'],
  security: BEARER,
  middleware: requireRole('customer', 'staff', 'admin'),
  summary: 'Enter an index read off the meter (its customer, staff, admin)',
  description: `Where telemetry fails, the customer (or staff) reads the meter and enters its index. The reading is checked like any reading against the stored ones around it, stored with its source (\`customer\` for a customer key, \`staff\` otherwise), audited, and heard by settlement: a period held for want of a reading after its end settles from it. Sending the same reading again answers the stored one. ${REFUSALS} Below consent \`interval\`, a customer's refusal does not name the stored readings it was compared with. A meter of another customer answers 404.`,
  request: {
    params: meterIdParam,
    body: jsonBody(peopleReadingSchema.openapi('NewPeopleReading')),
  },
  responses: {
    201: json('the stored reading', storedReading),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});

const postCorrection = createRoute({
  method: 'post',
  path: '/meters/{meterId}/corrections',
  tags: ['readings'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: 'Replace a wrong or rejected reading with a stated value (staff)',
  description: `The value is checked against the stored readings around \`ts\` (the one it replaces aside), stored as a \`staff\` reading, and the original is kept in the ledger; both are audited. Settled periods it changes are recomputed by the next settlement run and the difference is billed as adjustment lines on the next invoice. Without \`exportWh\` the stored export register stays. ${REFUSALS} 409 too for a reading where the counter restarted, wrapped or was exchanged, or one with device registers.`,
  request: { params: meterIdParam, body: jsonBody(correctionSchema.openapi('NewCorrection')) },
  responses: {
    201: json('the corrected reading and the one it replaced', correction),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/readings',
  tags: ['readings'],
  security: BEARER,
  middleware: requireRole('staff', 'admin'),
  summary: 'Readings taken by people and corrections, newest first (staff)',
  description:
    'Every reading a customer or staff entered and every correction, with its note or reason, who entered it and when, and for a correction the reading it replaced. Paged like the rejections.',
  request: {
    query: z.object({
      source: taken.optional(),
      kind: z.enum(['reading', 'correction']).optional(),
      meterId: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z
        .string()
        .regex(/^\d{1,15}$/, 'must be a cursor from nextCursor')
        .optional(),
    }),
  },
  responses: { 200: json('a page of entries', page), ...problems(400, 401, 403) },
});

const presentReading = (r: Reading) => ({
  meterId: r.meterId,
  ts: toRfc3339(r.ts),
  importWh: r.importWh,
  exportWh: r.exportWh ?? null,
  source: r.source ?? 'staff',
  receivedAt: toRfc3339(r.receivedAt),
});

const presentReplaced = (r: ReplacedReading | null) =>
  r === null ? null : { ...r, receivedAt: toRfc3339(r.receivedAt) };

const presentEntry = (e: ManualEntry) => ({
  id: e.id,
  kind: e.kind,
  meterId: e.meterId,
  ts: toRfc3339(e.ts),
  importWh: e.importWh,
  exportWh: e.exportWh,
  source: e.source,
  note: e.kind === 'reading' ? e.note : null,
  reason: e.kind === 'correction' ? e.note : null,
  replaced: presentReplaced(e.replaced),
  enteredBy: e.enteredBy,
  enteredAt: toRfc3339(e.enteredAt),
});

/**
 * Readings taken by people (docs/design.md §8): customers and staff enter an index, staff correct
 * a reading and list what was entered.
 */
export function manualReadingRoutes(deps: AppDeps) {
  const r = createRouter();
  r.openapi(postReading, async (c) => {
    const stored = await enterReading(
      deps,
      c.get('principal'),
      c.req.valid('param').meterId,
      c.req.valid('json'),
    );
    return c.json(presentReading(stored), 201);
  });
  r.openapi(postCorrection, async (c) => {
    const { reading, entry: e } = await correctReading(
      deps,
      c.get('principal'),
      c.req.valid('param').meterId,
      c.req.valid('json'),
    );
    return c.json(
      { ...presentReading(reading), reason: e.note ?? '', replaced: presentReplaced(e.replaced) },
      201,
    );
  });
  r.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const result = await listManualEntries(deps.db, {
      limit: q.limit,
      before: q.before === undefined ? undefined : Number(q.before),
      meterId: q.meterId,
      source: q.source,
      kind: q.kind,
    });
    return c.json(
      {
        items: result.items.map(presentEntry),
        ...(result.nextCursor === undefined ? {} : { nextCursor: String(result.nextCursor) }),
      },
      200,
    );
  });
  return r;
}
