// Part of bench:scale: a freshly started API process: the consumption endpoint cold (every request a
// meter it has not read yet, after a warm-up of the process's code and connections on other
// meters) and warm (the same meters again), then the billing summary and the state of revenue of
// the settled month.
import { readMetric } from '../test/support/instance.js';
import { peakRssMb, spawnRole, type RoleEnv } from './scale-procs.js';
import { inTurn, timedPass } from './timed-pass.js';

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
    const paths = all.slice(opts.warmupMeters);
    const n = paths.length;
    const pass = { url: wl.httpUrl, headers, connections: opts.connections };
    const cacheCounts = async () => ({
      hit: await readMetric(wl.httpUrl, 'wattledger_readings_cache_requests_total', {
        result: 'hit',
      }),
      all: await readMetric(wl.httpUrl, 'wattledger_readings_cache_requests_total'),
    });
    // The warm-up and the cold pass in one run, over the same connections (see timedPass).
    const cold = await timedPass({
      ...pass,
      amount: all.length,
      unmeasured: opts.warmupMeters,
      next: inTurn(all),
    });
    const before = await cacheCounts();
    // A new run opens new connections: the first request on each is not measured.
    const warm = await timedPass({
      ...pass,
      amount: n * opts.warmRounds + opts.connections,
      unmeasured: opts.connections,
      next: inTurn(paths),
    });
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
      coldP99Ms: cold.p99Ms,
      coldReqPerSec: cold.reqPerSec,
      warmP99Ms: warm.p99Ms,
      warmReqPerSec: warm.reqPerSec,
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
