import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Everything comes from this server; uPlot styles its canvas through the CSSOM, which style-src
// does not govern.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>wattledger</title>
<p>The web app is not built. Run <code>npm run build</code> (or <code>npx tsx scripts/build-web.ts</code>) and reload.
The API is at <a href="/docs">/docs</a>.</p></html>`;

/**
 * dist/web of the package this module belongs to, from src/web (tsx) or dist/src/web (compiled)
 * alike.
 */
export function defaultWebDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above src/web');
    dir = up;
  }
  return path.join(dir, 'dist/web');
}

interface Cached {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

/**
 * The built web app (scripts/build-web.ts): the customer app at `/`, the staff console at `/staff`,
 * their content-hashed files under `/assets/` (never source maps, even if a build left one). Pages
 * are revalidated on every load (no-cache + ETag), so a rebuild shows at once; assets never change under their name, so browsers
 * keep them a year. Only these paths are routed, so `/v1`, `/docs`, `/healthz` and unknown paths
 * keep their own answers.
 */
export function webRoutes(opts: { dir?: string } = {}): Hono {
  const dir = opts.dir ?? defaultWebDir();
  const cache = new Map<string, Cached>();

  async function load(rel: string): Promise<Cached | undefined> {
    const hit = cache.get(rel);
    if (hit !== undefined) return hit;
    let body: Buffer;
    try {
      body = await readFile(path.join(dir, rel));
    } catch {
      return undefined;
    }
    const entry = {
      body: Uint8Array.from(body),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    };
    // Pages are re-read after a rebuild; hashed assets are immutable once read.
    if (rel.startsWith('assets/')) cache.set(rel, entry);
    return entry;
  }

  function send(c: Context, file: Cached, headers: Record<string, string>): Response {
    if (c.req.header('if-none-match') === file.etag)
      return c.body(null, 304, {
        etag: file.etag,
        'cache-control': headers['cache-control'] ?? 'no-cache',
      });
    return c.body(file.body, 200, { ...headers, etag: file.etag });
  }

  const page = (name: string) => async (c: Context) => {
    const file = await load(name);
    if (file === undefined) return c.html(NOT_BUILT, 503, { 'cache-control': 'no-store' });
    return send(c, file, PAGE_HEADERS);
  };

  const app = new Hono();
  app.get('/', page('index.html'));
  app.get('/staff', page('staff.html'));
  app.get('/staff/', page('staff.html'));
  app.get('/assets/:name{[A-Za-z0-9][A-Za-z0-9._-]*}', async (c) => {
    const name = c.req.param('name');
    const type = TYPES[path.extname(name)];
    const file = type === undefined ? undefined : await load(`assets/${name}`);
    if (type === undefined || file === undefined) return c.notFound();
    return send(c, file, {
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}
