import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../harness/ports.js';
import { spawnLogged, waitForHttp, type ManagedProcess } from '../harness/process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildInstance {
  readonly httpUrl: string;
  process: ManagedProcess;
  /**
   * Start again with the same environment (same data dir, client id and
   * port): a restart after a crash.
   */
  restart(): Promise<void>;
}

/**
 * `wattledger serve` as its own OS process, so tests can SIGKILL or SIGTERM it. Resolves once
 * /readyz answers 200 (broker, store and ledger reachable).
 */
export async function spawnWattledger(
  env: Record<string, string>,
  logFile: string,
  opts: { nodeArgs?: readonly string[]; compiled?: boolean } = {},
): Promise<ChildInstance> {
  // Tests run the TypeScript source through tsx; benchmarks run the compiled
  // build, as production does.
  const entry = opts.compiled
    ? [path.join(ROOT, 'dist/src/cli.js')]
    : ['--import', 'tsx', path.join(ROOT, 'src/cli.ts')];
  const port = await freePort();
  const fullEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    DEMO: 'off',
    SIMULATOR: 'off',
    ...env,
  };
  const start = async () => {
    const proc = spawnLogged(
      'wattledger',
      process.execPath,
      [...(opts.nodeArgs ?? []), ...entry, 'serve'],
      { logFile, cwd: ROOT, env: fullEnv },
    );
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, { process: proc, timeoutMs: 90_000 });
    return proc;
  };
  const child: ChildInstance = {
    httpUrl: `http://127.0.0.1:${port}`,
    process: await start(),
    async restart() {
      child.process = await start();
    },
  };
  return child;
}

/** Keys (`meterId@ts`) and import registers of every reading in an InfluxDB database. */
export async function influxReadings(influxUrl: string, db: string): Promise<Map<string, number>> {
  const q = new URLSearchParams({
    db,
    epoch: 'ms',
    q: 'SELECT import_wh, meter_id FROM meter_reading',
  });
  const body = (await (await fetch(`${influxUrl}/query?${q}`)).json()) as {
    results: { series?: { columns: string[]; values: [number, number, string][] }[] }[];
  };
  const out = new Map<string, number>();
  for (const s of body.results[0]?.series ?? [])
    for (const [ts, importWh, meterId] of s.values) out.set(`${meterId}@${ts}`, importWh);
  return out;
}
