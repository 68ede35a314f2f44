import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../../auth/auth-env.js';
import { AppError } from '../../shared/app-error.js';
import type { TokenBuckets } from './token-buckets.js';

/**
 * The peer's address. Forwarding headers are not trusted (any client could set them); without a
 * socket (`app.request()` in tests) every caller shares one address.
 */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function tooMany(retryAfter: number, who: string): AppError {
  return new AppError('rate_limited', `too many requests ${who}; retry in ${retryAfter} s`, {
    retryAfter,
  });
}

/**
 * Before authentication: an address whose requests keep failing authentication is throttled as a
 * whole, so guessing keys costs the ledger nothing and a misconfigured client is noticed.
 */
export function limitFailedAuthentication(buckets: TokenBuckets): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const address = `addr:${clientAddress(c)}`;
    const wait = buckets.wait(address);
    if (wait > 0) throw tooMany(wait, 'with failed authentication from this address');
    await next();
    // Hono's error handler has turned a refusal into the answer by now: look at its status.
    if (c.res.status === 401) buckets.take(address);
  };
}

/** After authentication: each API key has its own bucket. */
export function limitPerKey(buckets: TokenBuckets): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const wait = buckets.take(`key:${c.get('principal').keyId}`);
    if (wait > 0) throw tooMany(wait, 'for this API key');
    await next();
  };
}
