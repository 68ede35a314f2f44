import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>wattledger API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script></body></html>`;

/**
 * Everything comes from this server: the scripts are files (the init script too, no inline code);
 * Swagger UI sets element styles and shows its icons as data: images.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

/**
 * `/docs`: Swagger UI served from the installed swagger-ui-dist package (no CDN: works offline).
 */
export function docsRoutes(): Hono {
  const dir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = new Map(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      { body: readFileSync(path.join(dir, name)), type },
    ]),
  );
  const app = new Hono();
  app.get('/docs', (c) =>
    c.html(PAGE, 200, { 'content-security-policy': DOCS_CSP, 'referrer-policy': 'no-referrer' }),
  );
  app.get('/docs/init.js', (c) =>
    c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:name', (c) => {
    const f = files.get(c.req.param('name'));
    if (f === undefined) return c.notFound();
    return c.body(new Uint8Array(f.body), 200, {
      'content-type': f.type,
      'cache-control': 'public, max-age=86400',
    });
  });
  return app;
}
