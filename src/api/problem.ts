import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, AppErrorCode } from '../shared/app-error.js';

const TITLES: { readonly [K in AppErrorCode]: string } = {
  bad_request: 'Bad request',
  validation_failed: 'Invalid input',
  unauthorized: 'Missing or invalid API key',
  forbidden: 'Not allowed',
  consent_required: 'Consent required',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  conflict: 'Conflict',
  unprocessable: 'Cannot be taken as it is',
  rate_limited: 'Too many requests',
  overloaded: 'Server busy',
  store_unavailable: 'Readings store unavailable',
  ledger_unavailable: 'Ledger unavailable',
  internal: 'Internal error',
};

/** RFC 9457 problem details, the body of every error answer (docs/design.md §4). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: AppErrorCode;
  readonly [extra: string]: unknown;
}

/** The problem document of an AppError. */
export function problemOf(err: AppError): Problem {
  return {
    type: `urn:wattledger:problem:${err.code}`,
    title: TITLES[err.code],
    status: err.status,
    detail: err.message,
    code: err.code,
    ...err.details,
  };
}

/** Answer with `application/problem+json`. */
export function problemResponse(c: Context, err: AppError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (err.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="wattledger"';
  const { allow, retryAfter } = err.details ?? {};
  if (Array.isArray(allow)) headers.allow = allow.join(', ');
  if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
  return c.body(JSON.stringify(problemOf(err)), err.status as ContentfulStatusCode, headers);
}
