import { Hono } from 'hono';
import { AppError } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';
import { onError } from './on-error.js';
import { opsRoutes, type OpsDeps } from './ops-routes.js';
import { notFoundOrNotAllowed } from './method-not-allowed.js';
import { problemResponse } from './problem.js';
import { securityHeaders } from './security-headers.js';

/**
 * The HTTP app of a process without the API (roles `ingest` and `jobs`): /healthz, /readyz and
 * /metrics only, so orchestrators can probe and Prometheus can scrape every process, with
 * problem+json for the rest.
 */
export function createOpsApp(ops: OpsDeps, log: Logger, role: string): Hono {
  const app = new Hono();
  app.onError(onError(log));
  app.notFound(
    notFoundOrNotAllowed(app, (c) =>
      problemResponse(
        c,
        new AppError(
          'not_found',
          `no route ${c.req.method} ${c.req.path}: a ${role} process serves /healthz, /readyz and /metrics only`,
        ),
      ),
    ),
  );
  app.use('*', securityHeaders({ noStore: () => false }));
  app.route('/', opsRoutes(ops));
  return app;
}
