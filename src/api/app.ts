import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../shared/app-error.js';
import { keyAuthenticator } from '../auth/authenticate.js';
import { docsRoutes } from './docs.js';
import { limitHeavyQueries } from './limits/heavy-queries.js';
import { DEFAULT_HTTP_LIMITS } from './limits/http-limits.js';
import { limitFailedAuthentication, limitPerKey } from './limits/rate-limit.js';
import { TokenBuckets } from './limits/token-buckets.js';
import { notFoundOrNotAllowed } from './method-not-allowed.js';
import { onError } from './on-error.js';
import type { AppDeps } from './deps.js';
import { opsRoutes } from './ops-routes.js';
import { problemResponse } from './problem.js';
import { createRouter } from './router.js';
import { isApiPath, securityHeaders } from './security-headers.js';
import { v1Routes } from './v1/routes.js';
import { webRoutes } from '../web/web-routes.js';

/**
 * Consumption, bills, the customer's export, and the fleet-wide figures (accuracy, revenue): the
 * requests that read many readings.
 */
const HEAVY_PATHS = [
  '/v1/meters/:meterId/consumption',
  '/v1/contracts/:id/consumption',
  '/v1/contracts/:id/bill',
  '/v1/customers/me/export',
  '/v1/billing/accuracy',
  '/v1/billing/revenue',
] as const;

/**
 * The HTTP application: built from injected deps, served by main.ts or exercised with
 * `app.request()` in tests.
 */
export function createApp(deps: AppDeps): Hono {
  const limits = deps.limits ?? DEFAULT_HTTP_LIMITS;
  const app = new Hono();
  app.onError(onError(deps.log));
  app.notFound(
    notFoundOrNotAllowed(app, (c) =>
      problemResponse(c, new AppError('not_found', `no route ${c.req.method} ${c.req.path}`)),
    ),
  );
  app.use('*', securityHeaders({ noStore: isApiPath }));
  app.route('/', opsRoutes(deps.ops));
  app.route('/', docsRoutes());

  const api = createRouter();
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key: `Authorization: Bearer <key>`',
  });
  const limit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', 'request bodies are limited to 1 MiB');
    },
  });
  // Reads skip it: the limit looks at the request's Fetch body, and building that object for every
  // GET was a measurable share of a consumption request.
  api.use('/v1/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next),
  );
  // One per app: the routes that revoke keys make it forget at once.
  const keys = keyAuthenticator(deps);
  if (limits.ratePerSecond > 0) {
    const buckets = new TokenBuckets({
      perSecond: limits.ratePerSecond,
      burst: limits.rateBurst,
      clock: deps.clock,
    });
    api.use('/v1/*', limitFailedAuthentication(buckets));
    api.use('/v1/*', keys.middleware);
    api.use('/v1/*', limitPerKey(buckets));
  } else api.use('/v1/*', keys.middleware);
  // Heavy queries wait for a slot after authentication, so unauthenticated floods never hold one.
  const heavy = limitHeavyQueries({
    concurrency: limits.heavyConcurrency,
    queue: limits.heavyQueue,
  });
  for (const path of HEAVY_PATHS) api.use(path, heavy);
  api.route('/v1', v1Routes(deps, keys));
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'wattledger API',
      version: '1',
      description:
        'Exact energy consumption and honest bills. Errors are application/problem+json.',
    },
    security: [{ bearer: [] }],
  });
  app.route('/', api);
  // Last, and only its own paths: the web app never shadows the API, docs or ops routes.
  app.route('/', webRoutes());
  return app;
}
