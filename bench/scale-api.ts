// Part of bench:scale: a freshly started API process: the consumption endpoint cold (every request a
// meter it has not read yet, after a warm-up of the process's code on other meters) and warm (the same meters again), then the billing summary and the
// state of revenue of the settled month.
import autocannon, { type Result } from 'autocannon';
import { readMetric } from '../test/support/instance.js';
import { peakRssMb, spawnRole, type RoleEnv } from './scale-procs.js';

export interface ApiPass {
  /** Meters read in each pass. */
  readonly meters: number;
  readonly coldP99Ms: number;
  readonly coldReqPerSec: number;
  readonly warmP99Ms: number;
  readonly warmReqPerSec: number;
  /**
   * Share of the warm pass's register windows the readings cache answered from memory, and what the
   * cache held at the end, MB: a warm pass over more meters than the cache holds is cold again.
   */
  readonly warmCacheHitRatio: number;
  readonly cacheMb: number;
  /** First answer of GET /v1/billing/summary and /v1/billing/revenue for the month, ms. */
  readonly summaryMs: number;
  readonly revenueMs: number;
  readonly rssMb: number;
}

export interface ApiPassOptions {
  /**
   * Meters to read, in order: the first `warmupMeters` warm the fresh process's code (not
   * measured); each other once in the cold pass, then again in the warm one.
   */
  readonly meterIds: readonly string[];
  readonly warmupMeters: number;
  /** The month of day buckets each request asks for, and its `YYYY-MM` in the contracts' zone. */
  readonly from: number;
  readonly to: number;
  readonly month: string;
  readonly staffKey: string;
  readonly connections: number;
  /** Requests of the warm pass, as a multiple of the meters. */
  readonly warmRounds: number;
  /** Called once the API is up and before anything is read (see awaitColdPathReady). */
  readonly beforeCold?: () => Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Requests/s over the whole pass: its per-second average is 0 for a pass under a second. */
const perSec = (r: Result) => Math.round(r.requests.total / r.duration);

function pass(
  url: string,
  headers: Record<string, string>,
  paths: readonly string[],
  amount: number,
  connections: number,
): Promise<Result> {
  let next = 0;
  return autocannon({
    url,
    connections,
    headers,
    amount,
    requests: [
      { method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) },
    ],
  });
}

async function timed(url: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
  return Math.round(performance.now() - t0);
}

/** Run the API passes against a new `api` process on `env`; it is stopped before this resolves. */
export async function apiPass(env: RoleEnv, opts: ApiPassOptions): Promise<ApiPass> {
  const wl = await spawnRole('api', 'api', env);
  try {
    await opts.beforeCold?.();
    const headers = { authorization: `Bearer ${opts.staffKey}` };
    const all = opts.meterIds.map(
      (id) =>
        `/v1/meters/${id}/consumption?groupBy=day&from=${iso(opts.from)}&to=${iso(opts.to)}&tz=Europe/Paris`,
    );
    const warmup = all.slice(0, opts.warmupMeters);
    const paths = all.slice(opts.warmupMeters);
    const n = paths.length;
    if (warmup.length > 0) await pass(wl.httpUrl, headers, warmup, warmup.length, opts.connections);
    const cacheCounts = async () => ({
      hit: await readMetric(wl.httpUrl, 'wattledger_readings_cache_requests_total', {
        result: 'hit',
      }),
      all: await readMetric(wl.httpUrl, 'wattledger_readings_cache_requests_total'),
    });
    const cold = await pass(wl.httpUrl, headers, paths, n, opts.connections);
    const before = await cacheCounts();
    const warm = await pass(wl.httpUrl, headers, paths, n * opts.warmRounds, opts.connections);
    const after = await cacheCounts();
    const cacheMb = (await readMetric(wl.httpUrl, 'wattledger_readings_cache_bytes')) / 1024 / 1024;
    const bad = cold.non2xx + cold.errors + warm.non2xx + warm.errors;
    const sample = await fetch(`${wl.httpUrl}${paths[0]}`, { headers });
    const body = (await sample.json()) as { buckets?: unknown[] };
    if (bad > 0 || sample.status !== 200 || (body.buckets?.length ?? 0) < 28)
      throw new Error(
        `consumption: ${bad} failed requests; a sample answered ${sample.status}: ${JSON.stringify(body).slice(0, 300)}`,
      );
    const summaryMs = await timed(`${wl.httpUrl}/v1/billing/summary?month=${opts.month}`, headers);
    const revenueMs = await timed(`${wl.httpUrl}/v1/billing/revenue?month=${opts.month}`, headers);
    return {
      meters: n,
      coldP99Ms: cold.latency.p99,
      coldReqPerSec: perSec(cold),
      warmP99Ms: warm.latency.p99,
      warmReqPerSec: perSec(warm),
      warmCacheHitRatio:
        Math.round(((after.hit - before.hit) / Math.max(1, after.all - before.all)) * 100) / 100,
      cacheMb: Math.round(cacheMb),
      summaryMs,
      revenueMs,
      rssMb: peakRssMb(wl.process.pid),
    };
  } finally {
    await wl.process.stop();
  }
}
