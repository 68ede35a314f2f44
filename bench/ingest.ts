// npm run bench:ingest — readings/s through Mosquitto alone, through the whole pipeline into
// InfluxDB (wattledger's own format, then each device format on bound topics, then 10,000 meters
// without and with bound topics), and through the embedded default (aedes + SQLite), with one
// publisher, message shape and count. The last line printed is one JSON object with the figures.
// BENCH_READINGS and BENCH_METERS resize it, BENCH_FORMATS picks device formats (comma-separated;
// `none` for none), BENCH_BOUND_TOPICS sizes the bound-topics runs (0 skips them). Each run also
// reports the ingest process's own CPU per reading, which the other processes sharing the machine
// move far less than they move the rates. The ingest runs compiled, with the node flags and
// allocator environment `npm start` runs with (bench/node-runtime.ts; BENCH_NODE_ARGS and
// BENCH_NODE_ENV override them), so its peak RSS is the product's. BENCH_PIPELINE_ONLY=1 runs the
// pipeline pass alone (no broker, device-format, bound-topics or embedded pass): the quick loop
// for the ingest's rate and memory.
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
import type { DeviceFormatKey } from '../src/formats/registry.js';
import {
  BENCH_FORMATS,
  formatMessages,
  malformedMessage,
  registerBoundMeters,
} from './bench-formats.js';
import { benchMessages, dropSession, publishAll, type BenchMessage } from './bench-publisher.js';
import { measuredNodeArgs, measuredNodeEnv } from './node-runtime.js';

/** The embedded broker checks meters' passwords: the bench derives them from this secret. */
const BENCH_METER_SECRET = 'wattledger-bench-meter-secret-0123456789abcdef';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const METERS = Number(process.env.BENCH_METERS ?? 1000);
const PER_METER = Math.ceil(Number(process.env.BENCH_READINGS ?? 200_000) / METERS);
const idsOf = (n: number, prefix = 'bench-') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
const meterIds = idsOf(METERS);
const messages = benchMessages(meterIds, PER_METER);
const N = messages.length;
const FORMATS =
  process.env.BENCH_FORMATS === undefined
    ? BENCH_FORMATS
    : BENCH_FORMATS.filter((f) => process.env.BENCH_FORMATS!.split(',').includes(f));
const BOUND_TOPICS = Number(process.env.BENCH_BOUND_TOPICS ?? 10_000);
const BOUND_FORMAT: DeviceFormatKey = 'tasmota';
const PIPELINE_ONLY = process.env.BENCH_PIPELINE_ONLY === '1';
const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** Readings/s from the first publish until `done()` holds, polled every 20 ms. */
async function timeUntil(
  publish: () => Promise<number>,
  done: () => Promise<boolean>,
  count = N,
): Promise<number> {
  const started = performance.now();
  const publishing = publish();
  await waitFor('all readings through', done, { timeoutMs: 600_000, intervalMs: 20 });
  const seconds = (performance.now() - started) / 1000;
  await publishing;
  return count / seconds;
}

/**
 * CPU seconds a process has used (user + system, /proc/<pid>/stat). On a shared machine the rates
 * follow what the other processes leave over; the ingest's own CPU per reading does not.
 */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
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
  await dropSession(mqttUrl, `bare-${child.pid}`);
  return rate;
}

/** What one pipeline run publishes: wattledger's own readings, or a device format's. */
interface Workload {
  readonly messages: readonly BenchMessage[];
  /** Register the meters the messages are for, in a fresh ledger. */
  register(ledgerUrl: string): Promise<void>;
  /**
   * Published first, untimed, until ingest files it: the device topics are subscribed once a
   * message on the last one (in the last SUBSCRIBE packet) arrives. A malformed one, so that a
   * repeat adds a rejection, never a reading.
   */
  readonly warmUp?: BenchMessage | undefined;
}

const wattledgerWorkload: Workload = {
  messages,
  register: (ledgerUrl) => registerMeters(ledgerUrl, meterIds, '2020-01-01T00:00:00Z'),
};

/** `ids` in wattledger's own format, the same number of readings spread over them. */
const unboundWorkload = (ids: readonly string[]): Workload => ({
  messages: benchMessages(ids, Math.ceil((PER_METER * METERS) / ids.length)),
  register: (ledgerUrl) => registerMeters(ledgerUrl, ids, '2020-01-01T00:00:00Z'),
});

/** `ids` bound to `format`, the readings of the wattledger run rendered in it. */
function formatWorkload(format: DeviceFormatKey, ids: readonly string[]): Workload {
  const all = formatMessages(ids, Math.ceil((PER_METER * METERS) / ids.length), format);
  return {
    messages: all,
    warmUp: malformedMessage(format, ids.at(-1)!),
    register: (ledgerUrl) => registerBoundMeters(ledgerUrl, ids, format),
  };
}

async function pipelineRate(
  env: Record<string, string>,
  ledgerUrl: string,
  dataDir: string,
  mqttUrl?: string,
  work: Workload = wattledgerWorkload,
): Promise<{ rate: number; rssMb: number; wl: ChildInstance; count: number; cpuUs: number }> {
  await work.register(ledgerUrl);
  const wl = await spawnWattledger(
    { ...measuredNodeEnv(), DATABASE_URL: ledgerUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    path.join(dataDir, 'wattledger.log'),
    {
      compiled: true,
      nodeArgs: [
        ...measuredNodeArgs(),
        ...(process.env.BENCH_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
          : []),
      ],
    },
  );
  const url = mqttUrl ?? `mqtt://127.0.0.1:${env.MQTT_PORT}`;
  const stored = () => readMetric(wl.httpUrl, 'wattledger_readings_stored_total');
  const secret = mqttUrl === undefined ? BENCH_METER_SECRET : undefined;
  if (work.warmUp !== undefined) {
    const warmUp = [work.warmUp];
    await waitFor(
      'device topics subscribed',
      async () => {
        await publishAll(url, warmUp, 1000, secret);
        return (await readMetric(wl.httpUrl, 'wattledger_ingest_rejections_total')) >= 1;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }
  const count = work.messages.length;
  const cpuBefore = cpuSeconds(wl.process.pid);
  const rate = await timeUntil(
    () => publishAll(url, work.messages, 1000, secret),
    async () => (await stored()) >= count,
    count,
  );
  const cpuUs = Math.round(((cpuSeconds(wl.process.pid) - cpuBefore) * 1e6) / count);
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
  return { rate, rssMb: peakRssMb(wl.process.pid), wl, count, cpuUs };
}

/** A device-format pipeline run through Mosquitto into its own InfluxDB database. */
async function externalRun(
  name: string,
  work: Workload,
  urls: { mosquitto: string; influx: string },
  dir: string,
): Promise<{ rate: number; cpuUs: number }> {
  const db = `bench_${name.replace(/[^a-z0-9]/g, '_')}`;
  const run = await pipelineRate(
    {
      MQTT_URL: urls.mosquitto,
      INFLUX_URL: urls.influx,
      INFLUX_DB: db,
      MQTT_CLIENT_ID: `bench-ingest-${db}`,
    },
    `sqlite:${dir}/${db}/ledger.db`,
    `${dir}/${db}`,
    urls.mosquitto,
    work,
  );
  const stored = await influxReadings(urls.influx, db);
  if (stored.size !== run.count)
    throw new Error(`${name}: InfluxDB holds ${stored.size} readings, expected ${run.count}`);
  await run.wl.process.stop();
  await dropSession(urls.mosquitto, `bench-ingest-${db}`);
  log(
    `${name.padEnd(12)} ${Math.round(run.rate)} readings/s, ingest ${run.cpuUs} us CPU per reading, peak RSS ${run.rssMb} MB`,
  );
  return { rate: run.rate, cpuUs: run.cpuUs };
}

async function main(): Promise<void> {
  log(`bench:ingest: ${N} readings from ${METERS} meters, one per message, QoS 1`);
  const [mosquitto, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  const tmp = tempDir('wl-bench-');
  try {
    const broker = PIPELINE_ONLY ? undefined : await brokerRate(mosquitto.url);
    if (broker !== undefined)
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
    await dropSession(mosquitto.url, 'bench-ingest');
    log(
      `pipeline: ${Math.round(ext.rate)} readings/s (-> Mosquitto -> ingest -> spool -> InfluxDB), ingest ${ext.cpuUs} us CPU per reading, peak RSS ${ext.rssMb} MB`,
    );

    if (broker === undefined) {
      log(
        JSON.stringify({
          pipelineRate: Math.round(ext.rate),
          ingestCpuUsPerReading: { wattledger: ext.cpuUs },
          peakRssMb: ext.rssMb,
          readings: N,
          meters: METERS,
        }),
      );
      return;
    }

    const urls = { mosquitto: mosquitto.url, influx: influx.url };
    const formatRuns: Record<string, { rate: number; cpuUs: number }> = {};
    for (const format of FORMATS)
      formatRuns[format] = await externalRun(
        format,
        formatWorkload(format, meterIds),
        urls,
        tmp.dir,
      );
    // As many meters without a bound topic (wattledger's format), then all bound to one each.
    const unbound =
      BOUND_TOPICS > 0
        ? await externalRun(
            `${BOUND_TOPICS} meters`,
            unboundWorkload(idsOf(BOUND_TOPICS, 'free-')),
            urls,
            tmp.dir,
          )
        : undefined;
    const bound =
      BOUND_TOPICS > 0
        ? await externalRun(
            `${BOUND_TOPICS} topics`,
            formatWorkload(BOUND_FORMAT, idsOf(BOUND_TOPICS, 'bound-')),
            urls,
            tmp.dir,
          )
        : undefined;

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
    const ratio = (x: number, of: number) => Math.round((x / of) * 100) / 100;
    const byFormat = (f: (run: { rate: number; cpuUs: number }) => number) =>
      Object.fromEntries(Object.entries(formatRuns).map(([k, v]) => [k, f(v)]));
    const sameFormat = formatRuns[BOUND_FORMAT];
    log(
      JSON.stringify({
        brokerRate: r(broker),
        pipelineRate: r(ext.rate),
        ratio: ratio(ext.rate, broker),
        formatRates: byFormat((v) => r(v.rate)),
        formatRatios: byFormat((v) => ratio(v.rate, ext.rate)),
        ingestCpuUsPerReading: { wattledger: ext.cpuUs, ...byFormat((v) => v.cpuUs) },
        ...(bound === undefined || unbound === undefined
          ? {}
          : {
              boundTopics: {
                topics: BOUND_TOPICS,
                format: BOUND_FORMAT,
                rate: r(bound.rate),
                // Against the same number of meters with 0 bound topics (wattledger's format).
                ratio: ratio(bound.rate, unbound.rate),
                unboundRate: r(unbound.rate),
                ratioToPipeline: ratio(bound.rate, ext.rate),
                ...(sameFormat === undefined
                  ? {}
                  : { ratioToFormat: ratio(bound.rate, sameFormat.rate) }),
                ingestCpuUsPerReading: bound.cpuUs,
                unboundIngestCpuUsPerReading: unbound.cpuUs,
              },
            }),
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
