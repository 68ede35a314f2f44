/**
 * Builds the web app (customer app at `/`, staff console at `/staff`) into dist/web: esbuild
 * bundles each entry with its CSS and uPlot from node_modules (no CDN), names files by content hash
 * so the server can let browsers cache them for good, and writes the HTML pages pointing at those
 * names. Run by `npm run build`; `tsx scripts/build-web.ts` alone rebuilds only the web app.
 */
import { build, type Metafile } from 'esbuild';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The pages and their entry modules. */
const PAGES = [
  { page: 'index.html', entry: 'customer', source: 'web/src/customer/main.ts' },
  { page: 'staff.html', entry: 'staff', source: 'web/src/staff/main.ts' },
] as const;

/** Output names (under /assets/) of an entry's script and stylesheet, from esbuild's metafile. */
function entryOutputs(meta: Metafile, source: string, outDir: string): { js: string; css: string } {
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (out.entryPoint !== source) continue;
    if (out.cssBundle === undefined)
      throw new Error(`${source} has no stylesheet: it must import its CSS`);
    const asset = (f: string) =>
      `/assets/${path.relative(path.join(outDir, 'assets'), path.resolve(ROOT, f))}`;
    return { js: asset(file), css: asset(out.cssBundle) };
  }
  throw new Error(`esbuild produced nothing for ${source}`);
}

/**
 * Build into `outDir` (default dist/web). The build goes to a staging folder first and replaces the
 * old one only when complete, so a running server never reads half a build.
 */
export async function buildWeb(
  outDir = path.join(ROOT, 'dist/web'),
): Promise<{ outDir: string; bytes: Record<string, number> }> {
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(PAGES.map((p) => [p.entry, p.source])),
    outdir: path.join(staging, 'assets'),
    bundle: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    // No source maps: the served build would hand out the original sources.
    sourcemap: false,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  for (const p of PAGES) {
    const { js, css } = entryOutputs(result.metafile, p.source, staging);
    const html = readFileSync(path.join(ROOT, 'web/pages', p.page), 'utf8')
      .replace('{{js}}', js)
      .replace('{{css}}', css);
    writeFileSync(path.join(staging, p.page), html);
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  const bytes: Record<string, number> = {};
  for (const file of Object.keys(result.metafile.outputs)) {
    const name = path.basename(file);
    bytes[name] = statSync(path.join(outDir, 'assets', name)).size;
  }
  return { outDir, bytes };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outDir, bytes } = await buildWeb();
  console.log(
    `web app built in ${path.relative(ROOT, outDir)}: ${Object.entries(bytes)
      .map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KiB`)
      .join(', ')}`,
  );
}
