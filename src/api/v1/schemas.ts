import { z } from '@hono/zod-openapi';
import { CONSENT_LEVELS } from '../../privacy/consent.js';
import type { AppErrorCode } from '../../shared/app-error.js';

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
  'rate_limited',
  'overloaded',
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
  422: 'Well-formed, but the data cannot be taken as it is (e.g. an index below the stored one); `detail` says why',
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

/** `{items: [...]}`: lists are wrapped so that pagination can be added without breaking clients. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** `security` of every route: a bearer API key. */
export const BEARER = [{ bearer: [] }];
