import type { MiddlewareHandler } from 'hono';
import pLimit from 'p-limit';
import { AppError } from '../../shared/app-error.js';

/**
 * At most `concurrency` heavy queries (consumption, bills, export) run at once; others wait in
 * order, and beyond `queue` waiting the request answers 503 `overloaded` at once. Light requests
 * (`/healthz`, key checks, fleet reads) never wait behind them, so a flood of large queries cannot
 * starve the event loop or the stores.
 */
export function limitHeavyQueries(opts: {
  readonly concurrency: number;
  readonly queue: number;
}): MiddlewareHandler {
  const limit = pLimit(opts.concurrency);
  return async (c, next) => {
    if (limit.activeCount >= opts.concurrency && limit.pendingCount >= opts.queue)
      throw new AppError(
        'overloaded',
        `${limit.pendingCount} heavy queries are waiting already; retry shortly`,
        { retryAfter: 1 },
      );
    await limit(() => next());
  };
}
