import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config.js';
import { addMeter } from '../../src/fleet/meters-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { startWattledger, type Running } from '../../src/main.js';
import { systemClock } from '../../src/shared/clock.js';
import { TEST_METER_SECRET } from './publisher.js';

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix = 'wl-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Register meters in a ledger before (or while) wattledger runs. */
export async function registerMeters(
  ledgerUrl: string,
  ids: readonly string[],
  installedAt = '2020-01-01T00:00:00Z',
  maxPowerW?: number,
): Promise<void> {
  const ledger = openLedger(ledgerUrl);
  try {
    await migrateLedger(ledger);
    for (const id of ids)
      await addMeter({ db: ledger.db, clock: systemClock }, { id, installedAt, maxPowerW });
  } finally {
    await ledger.close();
  }
}

export interface TestInstance {
  readonly running: Running;
  readonly dataDir: string;
  readonly ledgerUrl: string;
  /** Value of a counter or gauge from /metrics (summed over labels matching `labels`). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

/**
 * wattledger in this process, on a fresh data dir and free ports, with `env` on top of a quiet
 * default (no demo, no simulator). Meters are registered before it starts.
 */
export async function startInstance(
  env: Record<string, string>,
  meters: readonly string[] = [],
): Promise<TestInstance> {
  const tmp = tempDir();
  const config = parseConfig({
    PORT: '0',
    MQTT_PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tmp.dir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DEMO: 'off',
    SIMULATOR: 'off',
    FLUSH_LINGER_MS: '20',
    METER_PASSWORD_SECRET: TEST_METER_SECRET,
    ...env,
  });
  if (meters.length > 0) await registerMeters(config.ledgerUrl, meters);
  const running = await startWattledger(config);
  return {
    running,
    dataDir: tmp.dir,
    ledgerUrl: config.ledgerUrl,
    metric: (name, labels) => readMetric(running.httpUrl, name, labels),
    async stop() {
      await running.stop(5000);
      tmp.cleanup();
    },
  };
}

/** Sum of a Prometheus sample over the series whose labels include `labels`. */
export async function readMetric(
  httpUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? ([-\d.eE+]+|NaN)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const lbl = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
