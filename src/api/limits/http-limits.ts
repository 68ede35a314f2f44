import type { Config } from '../../config.js';

/**
 * The API's protective limits, from the configuration (src/config.ts); `DEFAULT_HTTP_LIMITS` when
 * an app is built without them (tests, tools).
 */
export interface HttpLimits {
  /** Sustained requests per second per API key (or per address, for failed authentications); 0: off. */
  readonly ratePerSecond: number;
  /** Requests a key may send at once after a quiet spell. */
  readonly rateBurst: number;
  /** Heavy queries (consumption, bills, export) running at once in this process. */
  readonly heavyConcurrency: number;
  /** Heavy queries waiting for a slot; one more answers 503 `overloaded`. */
  readonly heavyQueue: number;
}

/**
 * Generous enough that one key driving 32 connections (npm run bench:api, several thousand
 * requests/s) and the test suites are never throttled, while a runaway client still is.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  ratePerSecond: 10_000,
  rateBurst: 20_000,
  heavyConcurrency: 16,
  heavyQueue: 1_000,
};

/** The limits of the configuration. */
export function httpLimits(config: Readonly<Config>): HttpLimits {
  return {
    ratePerSecond: config.RATE_LIMIT_PER_S,
    rateBurst: config.RATE_LIMIT_BURST,
    heavyConcurrency: config.HEAVY_QUERY_CONCURRENCY,
    heavyQueue: config.HEAVY_QUERY_QUEUE,
  };
}
