import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../audit/audit-log.js';
import { requireRole, type Authenticator } from '../../auth/authenticate.js';
import type { MeterLookup } from '../../fleet/meter-lookup.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { CONSENT_LEVELS } from '../../privacy/consent.js';
import { changeConsent } from '../../privacy/consent-repo.js';
import { eraseCustomer } from '../../privacy/erasure/erase-customer.js';
import { exportArchive } from '../../privacy/export/export-archive.js';
import { AppError } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';
import type { AppDeps } from '../deps.js';
import { createRouter } from '../router.js';
import { BEARER, idParam, json, jsonBody, problems } from './schemas.js';
import { presentContract } from './fleet-presenters.js';
import { contractSchema } from './fleet-schemas.js';

const consentBody = z
  .object({ granularity: z.enum(CONSENT_LEVELS).openapi({ example: 'day' }) })
  .strict()
  .openapi('ConsentChange');

const putConsent = createRoute({
  method: 'put',
  path: '/contracts/{id}/consent',
  tags: ['privacy'],
  security: BEARER,
  middleware: requireRole('customer', 'admin'),
  summary:
    "Set the finest granularity the customer allows to be shown and kept (the contract's customer, admin)",
  description:
    '`month` (the default) is what billing needs; `day` also allows daily consumption; `interval` allows 15-minute and hourly consumption and the latest reading. ' +
    'Every change is audited (who, when, from, to). Narrowing it makes the next retention run reduce the readings of settled periods to the new level; ' +
    "readings of open or unsettled periods are kept until they are settled. Staff may not change it (403); another customer's contract answers 404.",
  request: { params: idParam, body: jsonBody(consentBody) },
  responses: {
    200: json('the contract with its new consent', contractSchema),
    ...problems(400, 401, 403, 404, 409, 413, 415),
  },
});

const getExport = createRoute({
  method: 'get',
  path: '/customers/me/export',
  tags: ['privacy'],
  security: BEARER,
  middleware: requireRole('customer'),
  summary:
    'Everything wattledger holds about the calling customer, as a zip archive (right of access)',
  description:
    '`README.md`, `manifest.json`, `profile.json`, `contracts.json` (with consents and meters), `consents.json` (every change), `invoices.json` (with lines) and `readings.csv` (consumption per meter at the consented granularity). For customer keys only.',
  responses: {
    200: {
      description: 'the archive',
      content: { 'application/zip': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...problems(401, 403, 503),
  },
});

const erasure = z
  .object({
    customerId: z.string(),
    erasedAt: z.string().openapi({ format: 'date-time' }),
    pseudonym: z.string().openapi({ example: 'erased-3f9a1c0b5d2e7a64' }),
    contractIds: z.array(z.string()),
    meterIds: z.array(z.string()),
    readingsRemoved: z.number().int(),
    rejectionsRemoved: z.number().int(),
    apiKeysRevoked: z.number().int(),
  })
  .openapi('Erasure');

const postErase = createRoute({
  method: 'post',
  path: '/customers/{id}/erase',
  tags: ['privacy'],
  security: BEARER,
  middleware: requireRole('admin'),
  summary: 'Erase a customer whose contracts have ended and are settled (admin, right to erasure)',
  description:
    "Deletes every reading of the customer's meters from the readings store and the rejected messages of those meters, replaces the name by a pseudonym, removes the e-mail and revokes the customer's keys. " +
    'Invoices are kept (a legal obligation), pseudonymised. Refused with 409 while a contract runs, a billing period is open, closed or held (except a period held beyond the back-billing cap, which will never be invoiced), or an adjustment awaits its invoice.',
  request: { params: idParam },
  responses: { 200: json('what was erased', erasure), ...problems(400, 401, 403, 404, 409, 503) },
});

/**
 * Consent, right of access (export) and right to erasure (the customer's rights over their data).
 */
export function privacyRoutes(
  deps: AppDeps,
  meters: MeterLookup,
  keys: Pick<Authenticator, 'forget'>,
) {
  const r = createRouter();
  r.openapi(putConsent, async (c) => {
    const p = c.get('principal');
    const who = { visibility: visibilityOf(p), actor: actorOf(p), role: p.role };
    const contract = await changeConsent(
      deps,
      who,
      c.req.valid('param').id,
      c.req.valid('json').granularity,
    );
    meters.forget();
    return c.json(presentContract(contract), 200);
  });
  r.openapi(getExport, async (c) => {
    const { customerId } = c.get('principal');
    if (customerId === null)
      throw new AppError('forbidden', 'this customer key is not bound to a customer');
    // A store outage is a 503 the client may retry, not a 500.
    const unavailable = (e: unknown): never => {
      throw new AppError(
        'store_unavailable',
        `the export could not read the readings store: ${(e as Error).message}`,
      );
    };
    const store = {
      windows: (requests: Parameters<AppDeps['store']['windows']>[0]) =>
        deps.store.windows(requests).catch(unavailable),
      latest: (meterId: string) => deps.store.latest(meterId).catch(unavailable),
    };
    const archive = await exportArchive({ ...deps, store }, customerId);
    return c.body(archive.bytes, 200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${archive.filename}"`,
      'cache-control': 'no-store',
    });
  });
  r.openapi(postErase, async (c) => {
    const done = await eraseCustomer(deps, c.req.valid('param').id, actorOf(c.get('principal')));
    // The erased customer's keys stop working now in this process, within a second elsewhere.
    keys.forget();
    return c.json(
      {
        ...done,
        erasedAt: toRfc3339(done.erasedAt),
        contractIds: [...done.contractIds],
        meterIds: [...done.meterIds],
      },
      200,
    );
  });
  return r;
}
