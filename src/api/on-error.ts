import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { AppError, type AppErrorCode } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { problemResponse } from './problem.js';

const HTTP_CODES: Record<number, AppErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The one `app.onError`: every thrown error becomes problem+json; only unexpected ones are 500 and
 * logged.
 */
export function onError(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof AppError) return problemResponse(c, err);
    if (err instanceof ZodError)
      return problemResponse(c, new AppError('validation_failed', describeZodIssues(err.issues)));
    if (err instanceof HTTPException) {
      // Hono's own refusals (malformed JSON body, body limit) are client errors with a message.
      const code = HTTP_CODES[err.status] ?? (err.status >= 500 ? 'internal' : 'bad_request');
      return problemResponse(c, new AppError(code, err.message || 'request refused'));
    }
    log.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problemResponse(
      c,
      new AppError('internal', 'an unexpected error occurred; it has been logged'),
    );
  };
}
