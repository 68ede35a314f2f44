import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { hashApiKey, sameHash } from '../auth/api-key.js';
import { checkReadiness, type Probe } from '../ops/readiness.js';
import { AppError } from '../shared/app-error.js';

export interface OpsDeps {
  readonly registry: Registry;
  readonly probes: Record<string, Probe>;
  /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`. */
  readonly metricsToken?: string | undefined;
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
  // Compared as hashes in constant time, like API keys: the token's length leaks nothing either.
  const tokenHash = deps.metricsToken === undefined ? undefined : hashApiKey(deps.metricsToken);
  app.get('/metrics', async (c) => {
    if (tokenHash !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
      if (m === null || !sameHash(hashApiKey(m[1]!), tokenHash))
        throw new AppError(
          'unauthorized',
          '/metrics needs "Authorization: Bearer <METRICS_TOKEN>"',
        );
    }
    return c.body(await deps.registry.metrics(), 200, {
      'content-type': deps.registry.contentType,
      ...(tokenHash !== undefined && { 'cache-control': 'no-store' }),
    });
  });
  return app;
}
