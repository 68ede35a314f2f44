import { Hono } from 'hono';
import { opsRoutes, type OpsDeps } from './ops-routes.js';

export type AppDeps = OpsDeps;

/** The HTTP application: built from injected deps, served by main.ts or exercised with `app.request()` in tests. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route('/', opsRoutes(deps));
  return app;
}
