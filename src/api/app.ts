import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../shared/app-error.js';
import { authenticate } from '../auth/authenticate.js';
import { docsRoutes } from './docs.js';
import { onError } from './on-error.js';
import type { AppDeps } from './deps.js';
import { opsRoutes } from './ops-routes.js';
import { problemResponse } from './problem.js';
import { createRouter } from './router.js';
import { v1Routes } from './v1/routes.js';
import { webRoutes } from '../web/web-routes.js';

/**
 * The HTTP application: built from injected deps, served by main.ts or exercised with
 * `app.request()` in tests.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(onError(deps.log));
  app.notFound((c) =>
    problemResponse(c, new AppError('not_found', `no route ${c.req.method} ${c.req.path}`)),
  );
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
  api.use('/v1/*', authenticate(deps));
  api.route('/v1', v1Routes(deps));
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
