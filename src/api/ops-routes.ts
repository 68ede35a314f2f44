import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { checkReadiness, type Probe } from '../ops/readiness.js';

export interface OpsDeps {
  readonly registry: Registry;
  readonly probes: Record<string, Probe>;
}

/**
 * `/healthz` (the process answers), `/readyz` (broker, store and ledger answer), `/metrics`
 * (Prometheus).
 */
export function opsRoutes(deps: OpsDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = await checkReadiness(deps.probes);
    return c.json(
      { status: report.ready ? 'ready' : 'not_ready', checks: report.checks },
      report.ready ? 200 : 503,
    );
  });
  app.get('/metrics', async (c) =>
    c.body(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  return app;
}
