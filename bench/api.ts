// npm run bench:api — the consumption endpoint under load, against InfluxDB holding 1,000 meters
// x 31 days of 15-minute readings, compared with the same data fetched straight from InfluxDB in
// the same run. Two request kinds, random meters: a month of day buckets, and a day of 15-minute
// buckets. The last line printed is one JSON object. BENCH_METERS, BENCH_DAYS, BENCH_SECONDS,
// BENCH_CONNECTIONS resize it; BENCH_CACHE_MB sets READINGS_CACHE_MB (0: no readings cache),
// BENCH_NODE_ARGS and BENCH_NODE_ENV the API's node flags and environment (default: `npm start`'s,
// bench/node-runtime.ts); BENCH_DAY_SUMMARIES=0 turns the day summaries off (every
// cold request then reads its month of readings), BENCH_COLD_WARMUP (100) the meters whose months
// warm the restarted process's code and connections before the cold pass reads the others'.
import autocannon, { type Result } from 'autocannon';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startInfluxd } from '../test/harness/influxd.js';
import type { ChildInstance } from '../test/support/child-instance.js';
import { tempDir } from '../test/support/instance.js';
import { measuredNodeArgs, measuredNodeEnv } from './node-runtime.js';
import { inTurn, timedPass, type TimedPass } from './timed-pass.js';
import {
  benchMeterIds,
  DAY_MS as DAY,
  awaitDaySummaries,
  loadMonth,
  MONTH_START,
  startApiBench,
} from './api-fleet.js';

const METERS = Number(process.env.BENCH_METERS ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 31);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DAY_SUMMARIES = process.env.BENCH_DAY_SUMMARIES !== '0';
/**
 * Meters whose months warm a fresh process's code before its cold pass (not measured): a restarted
 * API serves thousands of meters, and the first requests' compiling is not what a cold month
 * costs. The cold pass reads every other meter's month, each for the first time.
 */
const COLD_WARMUP = Number(process.env.BENCH_COLD_WARMUP ?? 100);
const log = (msg: string) => process.stdout.write(`${msg}\n`);
const meterIds = benchMeterIds('api', METERS);
const randomMeter = () => meterIds[Math.floor(Math.random() * METERS)]!;
const randomDay = () => MONTH_START + Math.floor(Math.random() * DAYS) * DAY;

async function load(url: string): Promise<void> {
  const started = performance.now();
  // A day more than is asked for: the meters go on reporting after the month, as live ones do, so
  // the reading after its end is in the next day's summary rather than in the store.
  const readings = await loadMonth(url, 'benchapi', meterIds, DAYS + 1);
  log(`loaded ${readings} readings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function run(
  url: string,
  headers: Record<string, string>,
  pathOf: () => string,
  amount?: number,
  seconds = SECONDS,
): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    headers,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathOf() }) }],
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
const monthOf = (meterId: string, groupBy = 'day') =>
  `/v1/meters/${meterId}/consumption?groupBy=${groupBy}&from=${iso(MONTH_START)}&to=${iso(MONTH_START + DAYS * DAY)}&tz=UTC`;
const apiMonth = () => monthOf(randomMeter());
/** Each meter's month once, in order: the warm-up, then the cold pass. */
const everyMonth = () => inTurn(meterIds.map((id) => monthOf(id)));
/**
 * Each meter's month of hours, in order. Hours need the readings (day summaries cut only at local
 * midnights), so this pass fills the readings cache with every meter's month.
 */
const everyMonthOfHours = () => inTurn(meterIds.map((id) => monthOf(id, 'hour')));
const apiDay = () => {
  const d = randomDay();
  return `/v1/meters/${randomMeter()}/consumption?groupBy=15m&from=${iso(d)}&to=${iso(d + DAY)}&tz=UTC`;
};
/**
 * The same data straight from InfluxDB: what the store adapter asks for one uncached request (3
 * statements, registers only).
 */
function rawPath(from: number, to: number): string {
  const m = randomMeter();
  const sel = `SELECT import_wh, export_wh FROM meter_reading WHERE meter_id = '${m}'`;
  const q = `${sel} AND time < ${from}ms ORDER BY time DESC LIMIT 1; ${sel} AND time >= ${from}ms AND time <= ${to}ms; ${sel} AND time > ${to}ms ORDER BY time ASC LIMIT 1`;
  return `/query?db=benchapi&epoch=ms&q=${encodeURIComponent(q)}`;
}
const rawMonth = () => rawPath(MONTH_START, MONTH_START + DAYS * DAY);
const rawDay = () => {
  const d = randomDay();
  return rawPath(d, d + DAY);
};
const mixed = (a: () => string, b: () => string) => () => (Math.random() < 0.5 ? a() : b());

function summary(r: Result) {
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/**
 * Each meter's month once, in one run: the first `COLD_WARMUP` requests warm the restarted
 * process's code and open the connections (not measured), the others are the cold pass.
 */
function coldPass(url: string, headers: Record<string, string>): Promise<TimedPass> {
  return timedPass({
    url,
    headers,
    connections: CONNECTIONS,
    amount: METERS,
    unmeasured: COLD_WARMUP,
    next: everyMonth(),
  });
}

/** The cold pass on a fresh instance that neither keeps nor reads day summaries. */
async function coldWithoutSummaries(
  start: (
    dataDir: string,
    summaries: boolean,
  ) => Promise<{ wl: ChildInstance; staffHeaders: Record<string, string> }>,
): Promise<TimedPass> {
  const tmp = tempDir('wl-bench-api-raw-');
  try {
    const { wl, staffHeaders } = await start(tmp.dir, false);
    try {
      return await coldPass(wl.httpUrl, staffHeaders);
    } finally {
      await wl.process.stop();
    }
  } finally {
    tmp.cleanup();
  }
}

async function main(): Promise<void> {
  const influx = await startInfluxd();
  const tmp = tempDir('wl-bench-api-');
  try {
    await load(influx.url);
    const start = (dataDir: string, summaries: boolean) =>
      startApiBench({
        influxUrl: influx.url,
        database: 'benchapi',
        dataDir,
        logFile: path.join(dataDir, 'wattledger.log'),
        meterIds,
        env: {
          ...measuredNodeEnv(),
          ...(process.env.BENCH_CACHE_MB ? { READINGS_CACHE_MB: process.env.BENCH_CACHE_MB } : {}),
          ...(summaries ? {} : { DAY_SUMMARY_CRON: 'off' }),
          ...(process.env.BENCH_INFLUX_CONCURRENCY
            ? { INFLUX_MAX_CONCURRENT_QUERIES: process.env.BENCH_INFLUX_CONCURRENCY }
            : {}),
        },
        nodeArgs: [
          ...measuredNodeArgs(),
          ...(process.env.BENCH_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
        ],
      });
    const { wl, staffHeaders: headers } = await start(tmp.dir, DAY_SUMMARIES);

    // The jobs summarise the loaded days first, as they would have day by day in production.
    const summariseSeconds = DAY_SUMMARIES
      ? await awaitDaySummaries(tmp.dir, MONTH_START + (DAYS + 1) * DAY)
      : undefined;
    if (summariseSeconds !== undefined) log(`days summarised in ${summariseSeconds} s`);
    const check = await fetch(`${wl.httpUrl}${apiMonth()}`, { headers });
    const body = (await check.json()) as { buckets?: unknown[] };
    if (check.status !== 200 || body.buckets?.length !== DAYS)
      throw new Error(`warm-up answered ${check.status}: ${JSON.stringify(body).slice(0, 300)}`);

    // The cold pass: the first reads after a restart, months no cache holds, each read once (from
    // the day summaries). The restart also leaves behind the heap of the summarising, which a
    // restarted production process never carried. Then the steady state.
    await wl.process.stop();
    await wl.restart();
    const cold = await coldPass(wl.httpUrl, headers);
    // Not measured: the readings cache filled with every meter's month, which the cold pass did
    // itself before it read day summaries: the steady state below is the cache holding the fleet.
    const filled = summary(await run(wl.httpUrl, headers, everyMonthOfHours(), METERS));
    log(`readings cache filled: ${JSON.stringify(filled)}`);
    // Not measured: JIT warm-up of the day path, and the collections that move the loaded
    // days to the old generation.
    await run(wl.httpUrl, headers, mixed(apiMonth, apiDay), undefined, 5);
    const api = summary(await run(wl.httpUrl, headers, mixed(apiMonth, apiDay)));
    const raw = summary(await run(influx.url, {}, mixed(rawMonth, rawDay)));
    const apiMonthOnly = summary(await run(wl.httpUrl, headers, apiMonth));
    const apiDayOnly = summary(await run(wl.httpUrl, headers, apiDay));
    log(`api (cold):    ${JSON.stringify(cold)}`);
    log(`api (mixed):   ${JSON.stringify(api)}`);
    log(`raw InfluxDB:  ${JSON.stringify(raw)}`);
    log(`api month/day: ${JSON.stringify(apiMonthOnly)}`);
    log(`api day/15m:   ${JSON.stringify(apiDayOnly)}`);
    await wl.process.stop();
    // In the same run, the cold pass of an instance without day summaries: what a cold month
    // costs when it reads its readings.
    const without = DAY_SUMMARIES ? await coldWithoutSummaries(start) : undefined;
    if (without !== undefined) log(`api (cold, no summaries): ${JSON.stringify(without)}`);
    const failures = [
      cold,
      filled,
      api,
      apiMonthOnly,
      apiDayOnly,
      ...(without ? [without] : []),
    ].reduce((n, r) => n + r.errors + r.non2xx, 0);
    // A failing phase most likely means wattledger stopped: show why.
    if (failures > 0)
      log(
        `wattledger log (tail):\n${readFileSync(path.join(tmp.dir, 'wattledger.log'), 'utf8').split('\n').slice(-60).join('\n')}`,
      );
    log(
      JSON.stringify({
        reqPerSec: api.reqPerSec,
        p50Ms: api.p50Ms,
        p99Ms: api.p99Ms,
        rawQueryP99Ms: raw.p99Ms,
        overheadRatio: Math.round((api.p99Ms / raw.p99Ms) * 100) / 100,
        connections: CONNECTIONS,
        monthOfDays: { p50Ms: apiMonthOnly.p50Ms, p99Ms: apiMonthOnly.p99Ms },
        dayOf15m: { p50Ms: apiDayOnly.p50Ms, p99Ms: apiDayOnly.p99Ms },
        coldP99Ms: cold.p99Ms,
        coldCache: { reqPerSec: cold.reqPerSec, p50Ms: cold.p50Ms, p99Ms: cold.p99Ms },
        ...(without === undefined
          ? {}
          : {
              coldWithoutSummaries: {
                reqPerSec: without.reqPerSec,
                p50Ms: without.p50Ms,
                p99Ms: without.p99Ms,
              },
              coldRatio: Math.round((cold.p99Ms / without.p99Ms) * 100) / 100,
            }),
        daySummaries: DAY_SUMMARIES,
        ...(summariseSeconds === undefined ? {} : { summariseSeconds }),
        errors: failures + raw.errors + raw.non2xx,
      }),
    );
  } finally {
    await influx.dispose();
    if (process.env.BENCH_KEEP_LOG) log(`log kept in ${tmp.dir}`);
    else tmp.cleanup();
  }
}

await main();
