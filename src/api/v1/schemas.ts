import { z } from '@hono/zod-openapi';
import { tariffSchema } from '../../billing/tariff-schema.js';
import type { ApiKeyInfo } from '../../fleet/api-keys.js';
import type { Contract } from '../../fleet/contracts.js';
import type { Customer } from '../../fleet/customers.js';
import type { Meter } from '../../fleet/meter.js';
import type { StoredTariff } from '../../fleet/tariffs.js';
import { CONSENT_LEVELS } from '../../privacy/consent.js';
import type { AppErrorCode } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';

const CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'consent_required',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'conflict',
  'store_unavailable',
  'ledger_unavailable',
  'internal',
] as const satisfies readonly AppErrorCode[];

/** RFC 9457 problem details: the body of every error answer (src/api/problem.ts builds them). */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:wattledger:problem:validation_failed' }),
    title: z.string().openapi({ example: 'Invalid input' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z
      .string()
      .openapi({ example: 'startsAt: not an RFC 3339 timestamp with a time zone: "yesterday"' }),
    code: z.enum(CODES),
    requiredConsent: z
      .enum(CONSENT_LEVELS)
      .optional()
      .openapi({ description: 'With `consent_required`: the consent level the request needs.' }),
  })
  .openapi('Problem');

const PROBLEMS = {
  400: 'Invalid input: malformed JSON, a wrong type or value (`detail` names each field)',
  401: 'No API key, or an unknown or revoked one (with `WWW-Authenticate: Bearer`)',
  403: "The key's role may not do this (`forbidden`), or the contract's consent does not allow this granularity (`consent_required`, with `requiredConsent`)",
  404: 'No such resource, or one the key may not see',
  409: 'The resource exists already, or its state does not allow this now (e.g. erasing a customer with a running contract or an unsettled period)',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not `application/json`',
  503: 'A backing service (readings store or ledger) did not answer; retry later',
} as const;

type ProblemStatus = keyof typeof PROBLEMS;
type ProblemResponse = {
  description: string;
  content: { 'application/problem+json': { schema: typeof problemSchema } };
};

/** The documented problem answers of a route, e.g. `...problems(400, 401, 403)`. */
export function problems<S extends ProblemStatus>(...statuses: S[]): { [K in S]: ProblemResponse } {
  const out: Partial<Record<ProblemStatus, ProblemResponse>> = {};
  for (const s of statuses)
    out[s] = {
      description: PROBLEMS[s],
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  return out as { [K in S]: ProblemResponse };
}

/** A JSON answer documented with its schema. */
export function json<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

/** `{id}` path parameter of a resource id. */
export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'ctr_5k2m9x0q4r7t1v8w' }),
});

/** `{meterId}` path parameter. */
export const meterIdParam = z.object({
  meterId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'meterId', in: 'path' }, example: 'demo-0001' }),
});

const instant = z.string().openapi({ format: 'date-time', example: '2026-11-29T18:15:00.000Z' });

export const customerSchema = z
  .object({
    id: z.string().openapi({ example: 'cus_5k2m9x0q4r7t1v8w' }),
    name: z.string(),
    email: z.string().nullable(),
    createdAt: instant,
  })
  .openapi('Customer');

export const tariffResponseSchema = tariffSchema
  .extend({ id: z.string().openapi({ example: 'trf_5k2m9x0q4r7t1v8w' }), createdAt: instant })
  .openapi('Tariff');

export const contractSchema = z
  .object({
    id: z.string().openapi({ example: 'ctr_5k2m9x0q4r7t1v8w' }),
    customerId: z.string(),
    tariffId: z.string(),
    timezone: z.string().openapi({ example: 'Europe/Paris' }),
    startsAt: instant,
    endsAt: instant.nullable(),
    createdAt: instant,
    consent: z.enum(CONSENT_LEVELS).openapi({
      description:
        'The finest consumption granularity the customer allows to be shown and kept: `month` (default), `day` or `interval` (15 minutes).',
    }),
  })
  .openapi('Contract');

export const meterSchema = z
  .object({
    id: z.string().openapi({ example: 'demo-0001' }),
    contractId: z.string().nullable(),
    installedAt: instant,
    maxPowerW: z.number().nullable(),
  })
  .openapi('Meter');

export const apiKeySchema = z
  .object({
    id: z.string().openapi({ example: 'key_5k2m9x0q4r7t1v8w' }),
    role: z.enum(['customer', 'staff', 'admin']),
    customerId: z.string().nullable(),
    createdAt: instant,
    revokedAt: instant.nullable(),
  })
  .openapi('ApiKey');

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().openapi({
      description: 'The key itself: shown in this answer only, stored hashed.',
      example: 'wl_customer_…',
    }),
  })
  .openapi('CreatedApiKey');

/** `{items: [...]}`: lists are wrapped so that pagination can be added without breaking clients. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** `security` of every route: a bearer API key. */
export const BEARER = [{ bearer: [] }];

const iso = (ms: number) => toRfc3339(ms);
const isoOrNull = (ms: number | null) => (ms === null ? null : toRfc3339(ms));

/** API shape of a customer. */
export const presentCustomer = (c: Customer) => ({
  id: c.id,
  name: c.name,
  email: c.email,
  createdAt: iso(c.createdAt),
});

/** API shape of a tariff: its document as stored, with id and creation time. */
export const presentTariff = (t: StoredTariff) => ({ ...t, createdAt: iso(t.createdAt) });

/** API shape of a contract. */
export const presentContract = (c: Contract) => ({
  id: c.id,
  customerId: c.customerId,
  tariffId: c.tariffId,
  timezone: c.timezone,
  startsAt: iso(c.startsAt),
  endsAt: isoOrNull(c.endsAt),
  createdAt: iso(c.createdAt),
  consent: c.consent,
});

/** API shape of a meter. */
export const presentMeter = (m: Meter) => ({
  id: m.id,
  contractId: m.contractId,
  installedAt: iso(m.installedAt),
  maxPowerW: m.maxPowerW,
});

/** API shape of an API key (never the key, except in the creation answer). */
export const presentApiKey = (k: ApiKeyInfo) => ({
  id: k.id,
  role: k.role,
  customerId: k.customerId,
  createdAt: iso(k.createdAt),
  revokedAt: isoOrNull(k.revokedAt),
});
