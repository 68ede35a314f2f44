import type { MiddlewareHandler } from 'hono';

/**
 * Headers every answer carries: `nosniff` everywhere (browsers must not guess a type, e.g. run a
 * JSON answer as a script), and `no-store` on the authenticated API, whose answers are one
 * caller's data and must not be kept by browsers or shared caches.
 */
export function securityHeaders(opts: { noStore: (path: string) => boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('x-content-type-options', 'nosniff');
    if (opts.noStore(c.req.path)) c.res.headers.set('cache-control', 'no-store');
  };
}

/** The authenticated API: `/v1` and everything under it. */
export const isApiPath = (path: string): boolean => path === '/v1' || path.startsWith('/v1/');
