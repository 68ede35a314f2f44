import type { Logger } from './shared/logger.js';

/**
 * The store may come up after wattledger (compose, restarts): wait for it
 * rather than crash-looping.
 */
export async function initStoreWithRetry(
  init: () => Promise<void>,
  log: Logger,
  deadlineMs = 120_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await init();
    } catch (e) {
      if (Date.now() > until) throw e;
      log.warn({ err: e, attempt }, 'readings store not ready; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
