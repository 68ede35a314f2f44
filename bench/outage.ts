// npm run bench:outage — nothing acknowledged is lost through outages. A paced publisher sends
// OUTAGE_RATE readings/s (QoS 1, at most OUTAGE_WINDOW in flight) for the whole run, while InfluxDB
// is down for OUTAGE_INFLUX_S seconds and Mosquitto (persistence on) is stopped and started again
// on the same port and data. Once the spool has drained, every reading in InfluxDB is compared by
// key with what the broker acknowledged. The last line printed is one JSON object with the figures;
// the exit code is 1 if any acknowledged reading is missing.
//
// Knobs (environment): OUTAGE_INFLUX_S (600), OUTAGE_METERS (100), OUTAGE_RATE (1000),
// OUTAGE_WINDOW (1000), OUTAGE_WARMUP_S (30, before InfluxDB stops), OUTAGE_BROKER_AT_S (the
// middle of the InfluxDB outage, seconds from the start), OUTAGE_TAIL_S (30, publishing after the
// spool has drained), BENCH_NODE_ARGS and BENCH_NODE_ENV (default: `npm start`'s node flags and
// environment, bench/node-runtime.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { startInfluxd, type InfluxdHandle } from '../test/harness/influxd.js';
import { startMosquitto, type MosquittoHandle } from '../test/harness/mosquitto.js';
import { logTail } from '../test/harness/process.js';
import { spawnWattledger, type ChildInstance } from '../test/support/child-instance.js';
import { readMetric, registerMeters, tempDir } from '../test/support/instance.js';
import { measuredNodeArgs, measuredNodeEnv } from './node-runtime.js';

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};

const OUTAGE_S = num('OUTAGE_INFLUX_S', 600);
const METERS = Math.max(1, Math.round(num('OUTAGE_METERS', 100)));
const RATE = Math.max(1, num('OUTAGE_RATE', 1000));
const WINDOW = Math.max(1, Math.round(num('OUTAGE_WINDOW', 1000)));
const WARMUP_S = num('OUTAGE_WARMUP_S', 30);
const BROKER_AT_S = num('OUTAGE_BROKER_AT_S', WARMUP_S + OUTAGE_S / 2);
const TAIL_S = num('OUTAGE_TAIL_S', 30);
const DB = 'outage';

const meterIds = Array.from({ length: METERS }, (_, i) => `outage-${String(i).padStart(4, '0')}`);
const meterIndex = new Map(meterIds.map((id, i) => [id, i]));
/** Meter time between two readings of one meter: each meter sends RATE / METERS a second. */
const STEP_MS = Math.max(1, Math.floor((1000 * METERS) / RATE));
/** Meter time of the first readings: behind the wall clock, so no reading is ever in the future. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const secs = (ms: number) => Math.round(ms / 100) / 10;

/** Reading number `seq`: meter `seq % METERS`, that meter's `seq / METERS`-th reading. */
function readingOf(seq: number): { meterId: string; ts: number; importWh: number } {
  const m = seq % METERS;
  const k = Math.floor(seq / METERS);
  return { meterId: meterIds[m]!, ts: T0 + k * STEP_MS, importWh: 1_000_000 + m * 7 + k };
}

const UNSENT = 0;
const PUBLISHED = 1;
const ACKED = 2;

/** What became of each reading, by number: unsent, published, acknowledged. Grows as needed. */
class Ledger {
  status = new Uint8Array(1 << 20);
  next = 0;
  published = 0;
  acked = 0;
  failed = 0;
  inflight = 0;
  grow(): void {
    if (this.next < this.status.length) return;
    const bigger = new Uint8Array(this.status.length * 2);
    bigger.set(this.status);
    this.status = bigger;
  }
}

/**
 * A paced QoS 1 publisher on one persistent session (clean: false): it keeps the schedule of RATE
 * readings/s from its start, catching up after a stall, never more than WINDOW unacknowledged.
 */
function startPublisher(client: MqttClient, book: Ledger, until: () => boolean): Promise<void> {
  const started = performance.now();
  return (async () => {
    while (!until()) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE);
      while (book.next < due && book.inflight < WINDOW) {
        const seq = book.next++;
        book.grow();
        const r = readingOf(seq);
        book.status[seq] = PUBLISHED;
        book.published += 1;
        book.inflight += 1;
        const payload = JSON.stringify({
          ts: new Date(r.ts).toISOString(),
          importWh: r.importWh,
          exportWh: 0,
          powerW: 36_000,
        });
        client.publish(`meters/${r.meterId}/readings`, payload, { qos: 1 }, (err) => {
          book.inflight -= 1;
          if (err) book.failed += 1;
          else {
            book.status[seq] = ACKED;
            book.acked += 1;
          }
        });
      }
      await delay(5);
    }
  })();
}

/** Current and peak resident memory of a process, MB. */
function rssMb(pid: number | undefined): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  const mb = (k: number) => Math.round(k / 102.4) / 10;
  return { now: mb(kb('VmRSS')), peak: mb(kb('VmHWM')) };
}

/** Every reading of one meter in InfluxDB: [ts (ms), import_wh]. */
async function storedOf(influxUrl: string, meterId: string): Promise<[number, number][]> {
  const q = new URLSearchParams({
    db: DB,
    epoch: 'ms',
    q: `SELECT import_wh FROM meter_reading WHERE meter_id = '${meterId}'`,
  });
  const res = await fetch(`${influxUrl}/query?${q}`, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`InfluxDB query: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as {
    results: { error?: string; series?: { values: [number, number][] }[] }[];
  };
  const first = body.results[0];
  if (first?.error !== undefined) throw new Error(`InfluxDB query: ${first.error}`);
  return (first?.series ?? []).flatMap((s) => s.values);
}

interface Services {
  mosquitto?: MosquittoHandle;
  influx?: InfluxdHandle;
  wl?: ChildInstance;
  client?: MqttClient;
  tmp?: { dir: string; cleanup(): void };
}

const services: Services = {};
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    services.client?.end(true);
    await services.wl?.process.stop().catch(() => undefined);
    await Promise.all([
      services.mosquitto?.dispose().catch(() => undefined),
      services.influx?.dispose().catch(() => undefined),
    ]);
    services.tmp?.cleanup();
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`bench:outage: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

async function main(): Promise<number> {
  log(
    `bench:outage: ${RATE} readings/s from ${METERS} meters (QoS 1, window ${WINDOW}); InfluxDB down ` +
      `${OUTAGE_S} s from t=${WARMUP_S} s; Mosquitto restarted at t=${BROKER_AT_S} s`,
  );
  const tmp = tempDir('wl-bench-outage-');
  services.tmp = tmp;
  const [mosquitto, influx] = await Promise.all([
    startMosquitto({ persistence: true }),
    startInfluxd(),
  ]);
  services.mosquitto = mosquitto;
  services.influx = influx;

  const ledgerUrl = `sqlite:${tmp.dir}/ledger.db`;
  // 1 Wh per reading every STEP_MS must stay plausible, whatever the rate.
  await registerMeters(ledgerUrl, meterIds, '2020-01-01T00:00:00Z', (3_600_000 / STEP_MS) * 2);
  const wlLog = path.join(tmp.dir, 'wattledger.log');
  const wl = await spawnWattledger(
    {
      ...measuredNodeEnv(),
      MQTT_URL: mosquitto.url,
      INFLUX_URL: influx.url,
      INFLUX_DB: DB,
      DATABASE_URL: ledgerUrl,
      DATA_DIR: tmp.dir,
      MQTT_CLIENT_ID: 'outage-ingest',
      LOG_LEVEL: 'warn',
    },
    wlLog,
    {
      compiled: true,
      nodeArgs: measuredNodeArgs(),
    },
  );
  services.wl = wl;
  const metric = (name: string) => readMetric(wl.httpUrl, name).catch(() => Number.NaN);

  const client = await mqtt.connectAsync(mosquitto.url, {
    clientId: `outage-pub-${process.pid}`,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 500,
    connectTimeout: 10_000,
  });
  services.client = client;

  const book = new Ledger();
  const t0 = performance.now();
  const at = () => (performance.now() - t0) / 1000;
  let stopPublishing = false;
  const publishing = startPublisher(client, book, () => stopPublishing);

  // Spool depth, sampled every second for the whole run (peak, and when it has drained).
  let depth = 0;
  let peakSpool = 0;
  let sampling = true;
  const sampler = (async () => {
    let lastLog = 0;
    while (sampling) {
      const d = await metric('wattledger_spool_depth');
      if (Number.isFinite(d)) {
        depth = d;
        peakSpool = Math.max(peakSpool, d);
      }
      if (at() - lastLog >= 10) {
        lastLog = at();
        log(
          `t=${Math.round(at())}s published ${book.published} acked ${book.acked} ` +
            `inflight ${book.inflight} spool ${depth}`,
        );
      }
      await delay(1000);
    }
  })();

  const phases: Promise<void>[] = [];
  let influxBackAt = 0;
  let drainAfterInfluxS = Number.NaN;
  // The InfluxDB outage, then publishing until the spool has drained and OUTAGE_TAIL_S more.
  phases.push(
    (async () => {
      await delay(WARMUP_S * 1000);
      await influx.stop();
      log(`t=${Math.round(at())}s InfluxDB stopped`);
      await delay(OUTAGE_S * 1000);
      await influx.start();
      influxBackAt = performance.now();
      log(`t=${Math.round(at())}s InfluxDB started again`);
      // Drained: less than a second of input left. Bounded by the outage's own length (at least
      // 10 minutes): InfluxDB takes readings far faster than they arrive.
      const deadline = performance.now() + Math.max(600, OUTAGE_S) * 1000;
      let left = Number.POSITIVE_INFINITY;
      while (!(left <= RATE) && performance.now() < deadline) {
        left = await metric('wattledger_spool_depth');
        if (!(left <= RATE)) await delay(200);
      }
      drainAfterInfluxS = left <= RATE ? secs(performance.now() - influxBackAt) : Number.NaN;
      log(`t=${Math.round(at())}s spool drained ${drainAfterInfluxS} s after InfluxDB returned`);
      await delay(TAIL_S * 1000);
      stopPublishing = true;
    })(),
  );
  // The broker restart: a clean stop (it writes its state) and a start on the same port and data.
  let brokerDownS = 0;
  phases.push(
    (async () => {
      await delay(BROKER_AT_S * 1000);
      if (stopPublishing) return;
      const down = performance.now();
      await mosquitto.stop();
      log(`t=${Math.round(at())}s Mosquitto stopped`);
      await mosquitto.start();
      brokerDownS = secs(performance.now() - down);
      log(`t=${Math.round(at())}s Mosquitto started again`);
    })(),
  );
  await Promise.all(phases);
  await publishing;
  const publishedFor = at();

  // Unacknowledged publishes after a reconnect are resent; give them a deadline, then count the
  // rest as unacknowledged.
  const settleBy = performance.now() + 120_000;
  while (book.inflight > 0 && performance.now() < settleBy) await delay(100);
  log(`t=${Math.round(at())}s publishing ended: ${book.published} published, ${book.acked} acked`);

  // The final drain: the spool empty and nothing arriving for 5 s in a row.
  const drainStart = performance.now();
  const drainBy = drainStart + 900_000;
  let quietSince = performance.now();
  let lastReceived = -1;
  for (;;) {
    const [d, received] = await Promise.all([
      metric('wattledger_spool_depth'),
      metric('wattledger_readings_received_total'),
    ]);
    if (d !== 0 || received !== lastReceived) quietSince = performance.now();
    lastReceived = received;
    if (performance.now() - quietSince >= 5000) break;
    if (performance.now() > drainBy) throw new Error(`spool not drained after 900 s (depth ${d})`);
    await delay(500);
  }
  const finalDrainS = secs(performance.now() - drainStart - 5000);
  sampling = false;
  await sampler;

  const [duplicates, storedWrites, rejections, storeErrors] = await Promise.all([
    metric('wattledger_readings_duplicate_total'),
    metric('wattledger_readings_stored_total'),
    metric('wattledger_ingest_rejections_total'),
    metric('wattledger_store_errors_total'),
  ]);
  const rss = rssMb(wl.process.pid);

  // Exact comparison by key: every stored reading mapped back to its number and value.
  const found = new Uint8Array(book.next);
  let stored = 0;
  let unexpected = 0;
  let storedUnacked = 0;
  for (const meterId of meterIds) {
    const m = meterIndex.get(meterId)!;
    for (const [ts, importWh] of await storedOf(influx.url, meterId)) {
      stored += 1;
      const k = (ts - T0) / STEP_MS;
      const seq = k * METERS + m;
      if (
        !Number.isInteger(k) ||
        k < 0 ||
        seq >= book.next ||
        book.status[seq] === UNSENT ||
        readingOf(seq).importWh !== importWh
      ) {
        unexpected += 1;
        continue;
      }
      found[seq] = 1;
      if (book.status[seq] !== ACKED) storedUnacked += 1;
    }
  }
  let lostAfterAck = 0;
  const lostSample: string[] = [];
  for (let seq = 0; seq < book.next; seq += 1)
    if (book.status[seq] === ACKED && found[seq] === 0) {
      lostAfterAck += 1;
      if (lostSample.length < 5) {
        const r = readingOf(seq);
        lostSample.push(`${r.meterId}@${new Date(r.ts).toISOString()}`);
      }
    }

  const figures = {
    published: book.published,
    acknowledged: book.acked,
    unacknowledged: book.published - book.acked,
    stored,
    lostAfterAck,
    storedUnacknowledged: storedUnacked,
    unexpected,
    duplicates,
    rewrites: storedWrites - stored,
    rejections,
    storeErrors,
    peakSpool,
    drainAfterInfluxS,
    finalDrainS,
    rssMb: rss.now,
    peakRssMb: rss.peak,
    outageInfluxS: OUTAGE_S,
    brokerDownS,
    publishedForS: Math.round(publishedFor),
    rate: RATE,
    meters: METERS,
  };
  const rows: [string, string | number][] = [
    ['published', figures.published],
    ['acknowledged (PUBACK)', figures.acknowledged],
    ['stored in InfluxDB', figures.stored],
    ['lost after ack', figures.lostAfterAck],
    ['stored, not acknowledged', figures.storedUnacknowledged],
    ['stored, never published', figures.unexpected],
    ['duplicates (redeliveries)', figures.duplicates],
    ['rejections', figures.rejections],
    ['peak spool depth', figures.peakSpool],
    ['drain after InfluxDB returned', `${figures.drainAfterInfluxS} s`],
    ['final drain', `${figures.finalDrainS} s`],
    ['RSS now / peak', `${figures.rssMb} / ${figures.peakRssMb} MB`],
    ['InfluxDB outage', `${OUTAGE_S} s`],
    ['Mosquitto down', `${brokerDownS} s`],
  ];
  for (const [k, v] of rows) log(`${k.padEnd(32)} ${v}`);
  if (lostAfterAck > 0) log(`missing, e.g.: ${lostSample.join(', ')}`);
  log(JSON.stringify(figures));
  return lostAfterAck === 0 && unexpected === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench:outage failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  if (services.tmp)
    process.stderr.write(
      `--- wattledger log:\n${logTail(path.join(services.tmp.dir, 'wattledger.log'))}\n`,
    );
} finally {
  await cleanup();
}
process.exit(code);
