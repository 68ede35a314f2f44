import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../shared/app-error.js';
import type { Principal } from '../auth/principal.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { problemResponse } from './problem.js';

/** Context variables every authenticated route can read. */
export interface ApiEnv {
  Variables: { principal: Principal };
}

/**
 * A router whose request validation failures (path, query, JSON body) answer problem+json 400 through
 * the one zod hook, with every issue in `detail`.
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
