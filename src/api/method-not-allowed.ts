import type { Context, Hono } from 'hono';
import type { Env } from 'hono';
import { AppError } from '../shared/app-error.js';
import { problemResponse } from './problem.js';

interface RoutePattern {
  readonly re: RegExp;
  readonly method: string;
}

/** A Hono route path (`/v1/meters/:meterId`, `/assets/:name{re}`, `/x/*`) as an anchored regex. */
export function pathPattern(path: string): RegExp {
  let out = '';
  const token = /:([A-Za-z0-9_]+)(\{((?:[^{}]|\{[^{}]*\})+)\})?|\*/g;
  let last = 0;
  for (let m = token.exec(path); m !== null; m = token.exec(path)) {
    out += path.slice(last, m.index).replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    out += m[0] === '*' ? '.*' : `(?:${m[3] ?? '[^/]+'})`;
    last = m.index + m[0].length;
  }
  out += path.slice(last).replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${out}/?$`);
}

/**
 * The `notFound` handler of an app: a path the app routes under other methods answers 405 with
 * `Allow` (a client learns it used the wrong method, not that the resource is missing); any other
 * path answers `notFound(c)`. The route table is read at the first miss, once every route exists.
 */
export function notFoundOrNotAllowed<E extends Env>(
  app: Hono<E>,
  notFound: (c: Context) => Response,
): (c: Context) => Response {
  let patterns: RoutePattern[] | undefined;
  return (c) => {
    patterns ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ re: pathPattern(r.path), method: r.method.toUpperCase() }));
    const allowed = new Set(patterns.filter((p) => p.re.test(c.req.path)).map((p) => p.method));
    if (allowed.has('GET')) allowed.add('HEAD');
    // A route of this method answered "not found" itself (a missing file), or none matches.
    if (allowed.size === 0 || allowed.has(c.req.method)) return notFound(c);
    const allow = [...allowed].sort();
    return problemResponse(
      c,
      new AppError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow.join(', ')}`,
        { allow },
      ),
    );
  };
}
