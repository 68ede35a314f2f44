// npm run bench:healthz — /healthz stays fast while the API is busy with heavy requests. Meters with
// a month of 15-minute readings in InfluxDB; once every meter's month has been read (the readings
// cache is warm), /healthz is sampled sequentially on an idle API, then again while
// BENCH_IN_FLIGHT large consumption requests (a month of 15-minute buckets each, rotating over
// the meters, staff key) are kept in flight from a worker thread, so the sampler's own event loop
// is not the one receiving their answers. Everything runs on loopback with the default
// HEAVY_QUERY_CONCURRENCY, HEAVY_QUERY_QUEUE and rate limit. The last line printed is one JSON
// object. Knobs: BENCH_METERS (200), BENCH_DAYS (31), BENCH_IN_FLIGHT (200), BENCH_SAMPLES (200),
// BENCH_SAMPLE_SECONDS (120: each sampling phase stops there, with fewer samples), BENCH_NODE_ARGS
// and BENCH_NODE_ENV (default: `npm start`'s node flags and environment, bench/node-runtime.ts),
// BENCH_KEEP_LOG.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startInfluxd } from '../test/harness/influxd.js';
import { tempDir } from '../test/support/instance.js';
import { measuredNodeArgs, measuredNodeEnv } from './node-runtime.js';
import {
  benchMeterIds,
  DAY_MS,
  loadMonth,
  MONTH_START,
  startApiBench,
  STEP_MS,
} from './api-fleet.js';

const count = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const METERS = count('BENCH_METERS', 200);
const DAYS = count('BENCH_DAYS', 31);
const IN_FLIGHT = count('BENCH_IN_FLIGHT', 200);
const SAMPLES = count('BENCH_SAMPLES', 200);
const SAMPLE_SECONDS = count('BENCH_SAMPLE_SECONDS', 120);
const DATABASE = 'benchhealthz';
/** Bounds on every wait, so a stuck API ends the bench instead of hanging it. */
const SAMPLE_TIMEOUT_MS = 10_000;
const HEAVY_TIMEOUT_MS = 120_000;
const SATURATE_TIMEOUT_MS = 60_000;

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const meterIds = benchMeterIds('hz', METERS);
const iso = (ms: number) => new Date(ms).toISOString();
const monthOf15m = (meterId: string) =>
  `/v1/meters/${meterId}/consumption?groupBy=15m&from=${iso(MONTH_START)}&to=${iso(MONTH_START + DAYS * DAY_MS)}&tz=UTC`;

/** One GET on `agent`, answering its status and how long it took to the last byte, ms. */
function timedGet(
  url: string,
  agent: http.Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { agent, headers, timeout: SAMPLE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () =>
      req.destroy(new Error(`GET ${url}: no answer in ${SAMPLE_TIMEOUT_MS} ms`)),
    );
    req.on('error', reject);
  });
}

/**
 * Up to `n` sequential /healthz latencies, ms, over one kept-alive connection; fewer if
 * SAMPLE_SECONDS run out first.
 */
async function sampleHealthz(baseUrl: string, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = performance.now() + SAMPLE_SECONDS * 1000;
  try {
    const out: number[] = [];
    for (let i = 0; i < n && performance.now() < deadline; i += 1) {
      const { status, ms } = await timedGet(`${baseUrl}/healthz`, agent);
      if (status !== 200) throw new Error(`/healthz answered ${status}`);
      out.push(ms);
    }
    return out;
  } finally {
    agent.destroy();
  }
}

interface Latencies {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function latencies(ms: readonly number[]): Latencies {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(at(1)) };
}

/** What the load worker reports: counts so far, and heavy latencies when it is done. */
interface LoadReport {
  readonly type: 'progress' | 'done';
  readonly active: number;
  readonly completed: number;
  readonly rejected503: number;
  readonly otherStatus: Record<string, number>;
  readonly errors: number;
  readonly heavyMs: number[];
}

/**
 * The load, as a worker of plain JavaScript (the worker does not inherit tsx): keeps `inFlight`
 * GETs of `paths` (in turn) open against `url` until told to stop, then lets the open ones finish.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, paths, headers, inFlight, timeoutMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
const s = { active: 0, completed: 0, rejected503: 0, otherStatus: {}, errors: 0, heavyMs: [] };
let next = 0;
let stopping = false;
const report = (type) => parentPort.postMessage({ type, ...s, heavyMs: type === 'done' ? s.heavyMs : [] });
function one() {
  if (stopping) {
    if (s.active === 0) { report('done'); agent.destroy(); parentPort.close(); }
    return;
  }
  const started = performance.now();
  let settled = false;
  const settle = (status) => {
    if (settled) return;
    settled = true;
    s.active -= 1;
    if (status === 200) { s.completed += 1; s.heavyMs.push(performance.now() - started); }
    else if (status === 503) s.rejected503 += 1;
    else if (status === 0) s.errors += 1;
    else s.otherStatus[status] = (s.otherStatus[status] ?? 0) + 1;
    one();
  };
  s.active += 1;
  const req = http.get(url + paths[next++ % paths.length], { agent, headers, timeout: timeoutMs }, (res) => {
    res.resume();
    res.on('end', () => settle(res.statusCode));
    res.on('error', () => settle(0));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => settle(0));
}
parentPort.on('message', (m) => {
  if (m === 'progress') report('progress');
  if (m === 'stop') { stopping = true; if (s.active === 0) one(); }
});
for (let i = 0; i < inFlight; i += 1) one();
`;

class Load {
  private readonly worker: Worker;
  private waiting: ((r: LoadReport) => void)[] = [];
  private done: Promise<LoadReport>;

  constructor(url: string, headers: Record<string, string>, paths: readonly string[]) {
    this.worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { url, paths, headers, inFlight: IN_FLIGHT, timeoutMs: HEAVY_TIMEOUT_MS },
    });
    this.done = new Promise((resolve, reject) => {
      this.worker.on('message', (r: LoadReport) => {
        if (r.type === 'done') resolve(r);
        else this.waiting.shift()?.(r);
      });
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`load worker exited (${code})`)));
    });
    this.done.catch(() => undefined);
  }

  progress(): Promise<LoadReport> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage('progress');
    });
  }

  /** Stop sending; answers the final counts once the open requests have finished. */
  async stop(): Promise<LoadReport> {
    this.worker.postMessage('stop');
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error('heavy requests did not finish')),
        HEAVY_TIMEOUT_MS,
      ).unref(),
    );
    try {
      return await Promise.race([this.done, timeout]);
    } finally {
      await this.worker.terminate();
    }
  }
}

let failed = false;

function logTail(file: string): string {
  try {
    return `wattledger log (tail):\n${readFileSync(file, 'utf8').split('\n').slice(-40).join('\n')}`;
  } catch {
    return 'no wattledger log';
  }
}

async function main(): Promise<void> {
  const influx = await startInfluxd();
  const tmp = tempDir('wl-bench-healthz-');
  const logFile = path.join(tmp.dir, 'wattledger.log');
  let threw = true;
  try {
    const loadStarted = performance.now();
    const readings = await loadMonth(influx.url, DATABASE, meterIds, DAYS);
    log(
      `loaded ${readings} readings of ${METERS} meters in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
    );
    const { wl, staffHeaders } = await startApiBench({
      influxUrl: influx.url,
      database: DATABASE,
      dataDir: tmp.dir,
      logFile,
      meterIds,
      nodeArgs: measuredNodeArgs(),
      env: measuredNodeEnv(),
    });
    try {
      // Every meter's month once, a few at a time: the readings cache holds them from then on, as
      // in a running API, and the first answer is checked.
      const buckets = (DAYS * DAY_MS) / STEP_MS;
      const first = await fetch(`${wl.httpUrl}${monthOf15m(meterIds[0]!)}`, {
        headers: staffHeaders,
      });
      const body = (await first.json()) as { buckets?: unknown[] };
      if (first.status !== 200 || body.buckets?.length !== buckets)
        throw new Error(`warm-up answered ${first.status}: ${JSON.stringify(body).slice(0, 300)}`);
      const warm = new http.Agent({ keepAlive: true, maxSockets: 8 });
      try {
        await Promise.all(
          meterIds.map(async (id) => {
            const { status } = await timedGet(`${wl.httpUrl}${monthOf15m(id)}`, warm, staffHeaders);
            if (status !== 200) throw new Error(`warm-up of ${id} answered ${status}`);
          }),
        );
      } finally {
        warm.destroy();
      }

      log(`every meter's month read once; sampling /healthz on the idle API`);
      await sampleHealthz(wl.httpUrl, 50); // not measured: JIT and connection warm-up
      const idleSamples = await sampleHealthz(wl.httpUrl, SAMPLES);
      const idle = latencies(idleSamples);
      log(`keeping ${IN_FLIGHT} heavy requests in flight`);

      const load = new Load(wl.httpUrl, staffHeaders, meterIds.map(monthOf15m));
      // Measure once the queue has turned over: the first heavy answers have come back.
      const deadline = Date.now() + SATURATE_TIMEOUT_MS;
      let before = await load.progress();
      while (before.completed + before.rejected503 < IN_FLIGHT / 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        before = await load.progress();
      }
      log(`${before.completed} heavy answers so far; sampling /healthz`);
      const sampleStarted = performance.now();
      const busySamples = await sampleHealthz(wl.httpUrl, SAMPLES);
      const sampleSeconds = (performance.now() - sampleStarted) / 1000;
      const after = await load.progress();
      const final = await load.stop();
      const busy = latencies(busySamples);
      const heavy = latencies(final.heavyMs);
      const duringSampling = after.completed - before.completed;

      const row = (name: string, l: Latencies, extra = '') =>
        `${name.padEnd(28)} ${String(l.p50Ms).padStart(8)} ${String(l.p99Ms).padStart(8)} ${String(l.maxMs).padStart(8)}  ${extra}`;
      log('');
      log(
        `${'latency, ms'.padEnd(28)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
      );
      log(row('/healthz, idle', idle, `${idleSamples.length} sequential samples`));
      log(
        row(
          `/healthz, ${IN_FLIGHT} heavy in flight`,
          busy,
          `${busySamples.length} sequential samples in ${sampleSeconds.toFixed(1)} s`,
        ),
      );
      log(
        row(
          'heavy (month of 15m)',
          heavy,
          `${final.completed} answered 200, ${duringSampling} while sampling (${(duringSampling / sampleSeconds).toFixed(0)}/s)`,
        ),
      );
      log(
        `heavy: ${final.rejected503} answered 503, ${final.errors} failed, other statuses ${JSON.stringify(final.otherStatus)}; ${buckets} buckets each`,
      );
      log(`p99 ratio busy/idle: ${(busy.p99Ms / idle.p99Ms).toFixed(1)}`);
      failed = final.errors > 0 || Object.keys(final.otherStatus).length > 0;
      // A failing heavy request most likely means wattledger stopped: show why.
      if (failed) log(logTail(logFile));
      log(
        JSON.stringify({
          healthzP50Ms: busy.p50Ms,
          healthzP99Ms: busy.p99Ms,
          healthzMaxMs: busy.maxMs,
          heavyInFlight: IN_FLIGHT,
          heavyCompleted: final.completed,
          heavyRejected503: final.rejected503,
          idleHealthzP99Ms: idle.p99Ms,
          healthzSamples: busySamples.length,
          p99Ratio: Math.round((busy.p99Ms / idle.p99Ms) * 10) / 10,
        }),
      );
    } finally {
      await wl.process.stop();
    }
    threw = false;
  } finally {
    await influx.dispose();
    if (threw) log(logTail(logFile));
    if (process.env.BENCH_KEEP_LOG) log(`log kept in ${tmp.dir}`);
    else tmp.cleanup();
  }
  if (failed) process.exitCode = 1;
}

await main();
