import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../shared/app-error.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import type { ApiEnv } from './deps.js';
import { problemResponse } from './problem.js';

/**
 * A router whose request validation failures (path, query, JSON body) answer problem+json 400
 * through the one zod hook, with every issue in `detail`.
 */
export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success)
        return problemResponse(
          c,
          new AppError('validation_failed', describeZodIssues(result.error.issues)),
        );
      return undefined;
    },
  });
}
