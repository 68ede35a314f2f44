// npm run bench:ingest — readings/s through Mosquitto alone, through the whole pipeline into
// InfluxDB, and through the embedded default (aedes + SQLite), with one publisher, message shape
// and count. The last line printed is one JSON object with the figures. BENCH_READINGS and
// BENCH_METERS resize it. The ingest runs compiled, with the heap limit `npm start` uses
// (--max-old-space-size=128; BENCH_NODE_ARGS overrides), because V8 otherwise lets garbage from
// 5,000-reading batches pile up to ~250 MB RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startInfluxd } from '../test/harness/influxd.js';
import { startMosquitto } from '../test/harness/mosquitto.js';
import { freePort } from '../test/harness/ports.js';
import { waitFor } from '../test/harness/process.js';
import {
  influxReadings,
  spawnWattledger,
  type ChildInstance,
} from '../test/support/child-instance.js';
import { readMetric, registerMeters, tempDir } from '../test/support/instance.js';
import { benchMessages, publishAll } from './bench-publisher.js';

/** The embedded broker checks meters' passwords: the bench derives them from this secret. */
const BENCH_METER_SECRET = 'wattledger-bench-meter-secret-0123456789abcdef';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const METERS = Number(process.env.BENCH_METERS ?? 1000);
const PER_METER = Math.ceil(Number(process.env.BENCH_READINGS ?? 200_000) / METERS);
const meterIds = Array.from({ length: METERS }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
const messages = benchMessages(meterIds, PER_METER);
const N = messages.length;
const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** Readings/s from the first publish until `done()` holds, polled every 20 ms. */
async function timeUntil(
  publish: () => Promise<number>,
  done: () => Promise<boolean>,
): Promise<number> {
  const started = performance.now();
  const publishing = publish();
  await waitFor('all readings through', done, { timeoutMs: 600_000, intervalMs: 20 });
  const seconds = (performance.now() - started) / 1000;
  await publishing;
  return N / seconds;
}

/** Peak resident memory of a process (VmHWM), MB. */
function peakRssMb(pid: number | undefined): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 102.4) / 10;
}

async function brokerRate(mqttUrl: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/bare-subscriber.ts'), mqttUrl, String(N)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  let ready = false;
  let done = false;
  lines.on('line', (l) => {
    if (l === 'ready') ready = true;
    if (l.startsWith('done')) done = true;
  });
  await waitFor('bare subscriber ready', () => ready);
  const rate = await timeUntil(
    () => publishAll(mqttUrl, messages),
    async () => done,
  );
  child.kill();
  return rate;
}

async function pipelineRate(
  env: Record<string, string>,
  ledgerUrl: string,
  dataDir: string,
  mqttUrl?: string,
): Promise<{ rate: number; rssMb: number; wl: ChildInstance }> {
  await registerMeters(ledgerUrl, meterIds, '2020-01-01T00:00:00Z');
  const wl = await spawnWattledger(
    { DATABASE_URL: ledgerUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    path.join(dataDir, 'wattledger.log'),
    {
      compiled: true,
      nodeArgs: [
        ...(process.env.BENCH_NODE_ARGS ?? '--max-old-space-size=128').split(' ').filter(Boolean),
        ...(process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
          : []),
      ],
    },
  );
  const url = mqttUrl ?? `mqtt://127.0.0.1:${env.MQTT_PORT}`;
  const rate = await timeUntil(
    () => publishAll(url, messages, 1000, mqttUrl === undefined ? BENCH_METER_SECRET : undefined),
    async () => (await readMetric(wl.httpUrl, 'wattledger_readings_stored_total')) >= N,
  );
  if (process.env.BENCH_DEBUG) {
    const text = await (await fetch(`${wl.httpUrl}/metrics`)).text();
    log(
      text
        .split('\n')
        .filter(
          (l) =>
            /heap_space_size_used|heap_size_total|external_memory|resident/.test(l) &&
            !l.startsWith('#'),
        )
        .join('\n'),
    );
  }
  return { rate, rssMb: peakRssMb(wl.process.pid), wl };
}

async function main(): Promise<void> {
  log(`bench:ingest: ${N} readings from ${METERS} meters, one per message, QoS 1`);
  const [mosquitto, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  const tmp = tempDir('wl-bench-');
  try {
    const broker = await brokerRate(mosquitto.url);
    log(`broker:   ${Math.round(broker)} readings/s (publisher -> Mosquitto -> bare subscriber)`);

    const ext = await pipelineRate(
      {
        MQTT_URL: mosquitto.url,
        INFLUX_URL: influx.url,
        INFLUX_DB: 'bench',
        MQTT_CLIENT_ID: 'bench-ingest',
      },
      `sqlite:${tmp.dir}/ext/ledger.db`,
      `${tmp.dir}/ext`,
      mosquitto.url,
    );
    const stored = await influxReadings(influx.url, 'bench');
    if (stored.size !== N) throw new Error(`InfluxDB holds ${stored.size} readings, expected ${N}`);
    await ext.wl.process.stop();
    log(
      `pipeline: ${Math.round(ext.rate)} readings/s (-> Mosquitto -> ingest -> spool -> InfluxDB), peak RSS ${ext.rssMb} MB`,
    );

    const emb = await pipelineRate(
      { MQTT_PORT: String(await freePort()), METER_PASSWORD_SECRET: BENCH_METER_SECRET },
      `sqlite:${tmp.dir}/emb/ledger.db`,
      `${tmp.dir}/emb`,
    );
    await emb.wl.process.stop();
    log(
      `embedded: ${Math.round(emb.rate)} readings/s (-> aedes -> ingest -> spool -> SQLite), peak RSS ${emb.rssMb} MB`,
    );

    const r = (x: number) => Math.round(x);
    log(
      JSON.stringify({
        brokerRate: r(broker),
        pipelineRate: r(ext.rate),
        ratio: Math.round((ext.rate / broker) * 100) / 100,
        embeddedRate: r(emb.rate),
        peakRssMb: ext.rssMb,
        embeddedPeakRssMb: emb.rssMb,
        readings: N,
        meters: METERS,
      }),
    );
  } finally {
    await Promise.all([mosquitto.dispose(), influx.dispose()]);
    tmp.cleanup();
  }
}

await main();
