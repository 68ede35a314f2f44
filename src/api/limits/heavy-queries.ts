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
    await limit(async () => {
      await turnOfTheEventLoop();
      await next();
    });
  };
}

/**
 * Resolves after the event loop has polled for I/O once. With the readings cache warm, a heavy
 * query does no I/O: without this, each finishing query would start the next queued one in the same
 * macrotask, and the whole queue would run before `/healthz` (or any new request) is even read.
 */
function turnOfTheEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
