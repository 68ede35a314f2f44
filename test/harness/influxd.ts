import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnLogged, waitForHttp, type ManagedProcess } from './process.js';
import { INFLUXD_BIN } from './services.js';

export interface InfluxdOptions {
  /** Create this database once the server is up. */
  readonly database?: string;
}

export interface InfluxdHandle {
  readonly url: string;
  readonly port: number;
  /** Temp folder holding influxdb.conf, influxd.log and the meta/data/wal folders. */
  readonly dataDir: string;
  readonly logFile: string;
  readonly database?: string | undefined;
  /** SIGTERM (SIGKILL after 10 s). Port and data are kept for start(). */
  stop(): Promise<void>;
  /** Start again on the same port and data, e.g. to end a simulated outage. */
  start(): Promise<void>;
  /** stop() and delete the temp folder. */
  dispose(): Promise<void>;
}

// Only what differs from the 1.6 defaults: everything on loopback, inside the temp folder,
// and quiet. The monitor's _internal database is off: it writes every 10 s and would
// compete with the tests for CPU. The backup service's port (bind-address) is left to the kernel:
// no test uses it, and a fixed one could be taken while an outage test has influxd stopped.
function config(dir: string, httpPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:0"

[meta]
  dir = "${dir}/meta"
  logging-enabled = false

[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  suppress-write-log = true

[logging]
  level = "warn"
  suppress-logo = true
`;
}

/**
 * Start a private InfluxDB 1.x (Debian's influxd) on free loopback ports with a temp data folder.
 * Resolves once GET /ping answers 204. Never touches a system instance on 8086.
 */
export async function startInfluxd(opts: InfluxdOptions = {}): Promise<InfluxdHandle> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wl-influxd-'));
  const confFile = path.join(dataDir, 'influxdb.conf');
  const logFile = path.join(dataDir, 'influxd.log');
  writeFileSync(confFile, config(dataDir, port));
  const url = `http://127.0.0.1:${port}`;

  let proc: ManagedProcess | undefined;
  async function start(): Promise<void> {
    if (proc?.running()) throw new Error('influxd is already running');
    // INFLUXDB_* variables would override the config file (influxd reads
    // them); keep the caller's out.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('INFLUXDB_')),
    );
    proc = spawnLogged('influxd', INFLUXD_BIN, ['-config', confFile], {
      logFile,
      cwd: dataDir,
      env,
    });
    await waitForHttp(`${url}/ping`, { process: proc, accept: (s) => s === 204 });
  }
  const stop = async () => proc?.stop();
  await start();

  if (opts.database !== undefined) {
    const res = await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `CREATE DATABASE "${opts.database}"` }),
    });
    if (!res.ok)
      throw new Error(`influxd: CREATE DATABASE failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }

  return {
    url,
    port,
    dataDir,
    logFile,
    database: opts.database,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * InfluxDB's own "now", from the Date header it answers /ping with. influxd is a Go binary that
 * reads the time through the vDSO, so libfaketime does not move it: anything InfluxDB judges by its
 * clock (a retention policy's age limit) must be reckoned on this, not on the test's clock.
 */
export async function influxNow(url: string): Promise<number> {
  const res = await fetch(`${url}/ping`);
  const date = res.headers.get('date');
  if (date === null) throw new Error(`${url}/ping answered without a Date header`);
  return Date.parse(date);
}
