// npm run bench:scale — how wattledger's parts grow with the fleet. For each size (BENCH_SIZES,
// default 1000,5000,20000 meters): a fresh InfluxDB with 35 days of 15-minute readings of every
// meter, a PostgreSQL ledger with one household contract per meter (Europe/Paris, the
// docs/design.md §5 tariff), and Mosquitto. Then, each on its own compiled process:
// - day summaries (the API's cold path) of the whole history, by one jobs process, timed;
// - ingest: one reading of every meter through Mosquitto into InfluxDB, then BENCH_SCALE_READINGS
//   (100,000) more, timed;
// - settlement of October by one, then two `--role jobs` processes, each on a fresh copy of the
//   unsettled ledger; the one process then values the open month for BENCH_SCALE_VALUING_S (60);
// - a freshly started API: a month of day buckets for BENCH_SCALE_COLD (1,000) meters, the first
//   BENCH_SCALE_COLD_WARMUP (100) to warm its code, the others each once (cold), then the same
//   twice again (warm), 32 connections; the billing summary and state of
//   revenue of the settled month;
// - the peak RSS of every role and of InfluxDB, and InfluxDB's series count.
// Every process's clock reads one timeline per size (CLOCK_START), which starts at the bench's NOW,
// where the data ends, when the size's first process starts. A table, then one JSON object as the
// last line. BENCH_NODE_ARGS sets the node flags of the measured processes (default: their role's
// start script's, `npm start` or `npm run start:jobs`; bench/node-runtime.ts), BENCH_CPU_PROF=<folder>
// has them write CPU profiles there, BENCH_KEEP_LOG keeps their logs, BENCH_SCALE_PASSES picks passes
// and BENCH_DEBUG prints the ingest's memory peaks (diagnostics).
import { loadavg, cpus } from 'node:os';
import { startInfluxd } from '../test/harness/influxd.js';
import { startMosquitto } from '../test/harness/mosquitto.js';
import { startPostgres } from '../test/harness/postgres.js';
import { waitFor } from '../test/harness/process.js';
import { tempDir } from '../test/support/instance.js';
import { apiPass, type ApiPass } from './scale-api.js';
import { DAY_MS, localMonth } from './billing-fleet.js';
import { daysThrough, summarisePass, type SummarisePass } from './scale-days.js';
import { ledgerCopies, seedFleet } from './scale-fleet.js';
import { ingestPass, nextReadings, type IngestPass } from './scale-ingest.js';
import { startingClock } from '../src/shared/clock.js';
import { loadHistory, STEP_MS } from './scale-load.js';
import { peakRssMb, pidByCommandLine, treeCpuSeconds, type RoleEnv } from './scale-procs.js';
import { settlePass, type SettlePass } from './scale-settle.js';
import { printTable, type SizeResult } from './scale-report.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,20000').split(',').map(Number);
/**
 * Readings the ingest pass times, at every size (at least 2 per meter), after an untimed round of
 * one per meter.
 */
const INGEST_READINGS = Number(process.env.BENCH_SCALE_READINGS ?? 100_000);
/**
 * Meters the API passes read: as many at every size, so that the curve shows the fleet's size and
 * not the sample's. 1,000 months of day buckets fit in the default readings cache (128 MB); 2,000 do
 * not, and a warm pass over them reads InfluxDB again.
 */
const COLD_METERS = Number(process.env.BENCH_SCALE_COLD ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/**
 * Of those, the meters whose months warm the fresh API process's code before the cold pass (not
 * measured): the cold pass measures months no cache holds, not the first requests' compiling.
 */
const COLD_WARMUP = Number(process.env.BENCH_SCALE_COLD_WARMUP ?? 100);
/** October 2026 in Europe/Paris: the month settled, summed and read at every size. */
const OCTOBER = localMonth(2026, 10);
/**
 * The bench's "now": past October's end plus the 72-hour grace window, so the whole month is due
 * for settlement. Each size's timeline starts here.
 */
const NOW = Date.parse('2026-11-04T12:00:00Z');
const HISTORY_FROM = NOW - 35 * DAY_MS;
/** Rounds the ingest pass publishes (one reading of every meter each) for `meters` meters. */
const ingestRounds = (meters: number) => 1 + Math.max(2, Math.ceil(INGEST_READINGS / meters));
/**
 * The history stops half an hour before NOW; the ingest pass's rounds are spread over that half
 * hour (every 18 s for 1,000 meters, every 5 minutes for 20,000), so none of its readings is late.
 */
const HISTORY_TO = NOW - 2 * STEP_MS;
/**
 * How long the single jobs process is left, after its settlement run, to value the open month's
 * bills as its schedule does next (BENCH_SCALE_VALUING_S, 60).
 */
const VALUING_MS = Number(process.env.BENCH_SCALE_VALUING_S ?? 60) * 1000;
/**
 * The passes to run (diagnostics): any of ingest, settle1, settle2, api; a skipped one shows 0, and
 * without api the history is not summarised either.
 */
const PASSES = new Set((process.env.BENCH_SCALE_PASSES ?? 'ingest,settle1,settle2,api').split(','));
const skippedSettle = (processes: number): SettlePass => ({
  processes,
  contracts: 0,
  seconds: 0,
  perSec: 0,
  settledBy: [],
  rssMb: 0,
  cpuMs: {},
});
const skippedApi: ApiPass = {
  meters: 0,
  coldP99Ms: 0,
  coldReqPerSec: 0,
  warmP99Ms: 0,
  warmReqPerSec: 0,
  warmCacheHitRatio: 0,
  cacheMb: 0,
  summaryMs: 0,
  revenueMs: 0,
  rssMb: 0,
};
const log = (msg: string) => process.stdout.write(`${msg}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

/**
 * HOOK — the consumption API's cold path. The jobs process summarises each sealed local day into the
 * ledger (`reading_days`), and a cold request for days reads those rows instead of a month of
 * readings. The cold pass measures a restarted API process, so it must run once the summaries of
 * the month it reads are complete, or it would measure the summarising instead (or the raw path).
 * The bench summarises the loaded history once per size, before copying the ledger; this checks
 * that the API's copy holds it complete past `upTo` (the end of the month read), and waits (for a
 * jobs process that may still be at it) otherwise.
 */
async function awaitColdPathReady(ledgerUrl: string, upTo: number): Promise<void> {
  await waitFor(
    'the day summaries complete',
    async () => ((await daysThrough(ledgerUrl)) ?? 0) >= upTo,
    { timeoutMs: 600_000, intervalMs: 250 },
  );
}

const cpuText = (ms: Readonly<Record<string, number>>) =>
  Object.entries(ms)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(', ');

/** `count` meter ids, `scale-000000` on. */
const meterIdsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => `scale-${String(i).padStart(6, '0')}`);

/** `k` of `ids`, evenly spread, so the cold pass reads meters from the whole fleet. */
function spread(ids: readonly string[], k: number): string[] {
  if (k >= ids.length) return [...ids];
  return Array.from({ length: k }, (_, i) => ids[Math.floor((i * ids.length) / k)]!);
}

/**
 * InfluxDB 1.6's series count of `db`: distinct series (one per meter: the measurement has one tag)
 * and the series its shards index between them (each 7-day shard indexes its own, so 35 days of a
 * meter are 6 entries).
 */
async function influxSeries(url: string, db: string): Promise<{ series: number; indexed: number }> {
  const count = async (statement: string) => {
    const q = new URLSearchParams({ q: statement });
    const body = (await (await fetch(`${url}/query?${q}`)).json()) as {
      results: { error?: string; series?: { values?: [number][] }[] }[];
    };
    const result = body.results[0];
    if (result?.error !== undefined) throw new Error(`${statement}: ${result.error}`);
    return (result?.series ?? []).reduce((n, s) => n + (s.values?.[0]?.[0] ?? 0), 0);
  };
  return {
    series: await count(`SHOW TAG VALUES EXACT CARDINALITY ON "${db}" WITH KEY = "meter_id"`),
    indexed: await count(`SHOW SERIES EXACT CARDINALITY ON "${db}"`),
  };
}

async function measureSize(
  meters: number,
  postgres: {
    url: string;
    pid: number | undefined;
    createDatabase(name?: string): Promise<string>;
  },
): Promise<SizeResult> {
  const t0 = performance.now();
  const ids = meterIdsOf(meters);
  const tmp = tempDir(`wl-bench-scale-${meters}-`);
  const [influx, mosquitto] = await Promise.all([startInfluxd(), startMosquitto()]);
  const template = `scale_${meters}`;
  const copies = ledgerCopies(postgres.url, template);
  try {
    const influxDb = 'scale';
    const templateUrl = await postgres.createDatabase(template);
    const [fleet, points] = await Promise.all([
      seedFleet(templateUrl, ids, {
        contractStart: OCTOBER.start,
        installedAt: HISTORY_FROM - DAY_MS,
        now: NOW,
      }),
      loadHistory({
        influxUrl: influx.url,
        database: influxDb,
        meterIds: ids,
        from: HISTORY_FROM,
        to: HISTORY_TO,
      }),
    ]);
    const loadSeconds = seconds(t0);
    log(
      `  ${meters} meters: ${points} readings in InfluxDB and the ledger seeded (${fleet.seconds.toFixed(0)} s) in ${loadSeconds.toFixed(0)} s`,
    );
    // From here on every process's clock reads this timeline (see RoleEnv.clock).
    const clock = startingClock(NOW);
    const env = (ledgerUrl: string): RoleEnv => ({
      influxUrl: influx.url,
      influxDb,
      ledgerUrl,
      clock,
      dir: tmp.dir,
    });

    const influxPid = pidByCommandLine(influx.dataDir);
    const services = () => ({
      influxdb: treeCpuSeconds(influxPid),
      postgres: treeCpuSeconds(postgres.pid),
    });
    let t = performance.now();
    // Summarised once, in the template: every copy, and so every pass, starts with the cold path
    // complete, as a fleet whose days were summarised as they sealed. Only the API pass needs them
    // (a diagnostic run without it skips them).
    const days: SummarisePass = PASSES.has('api')
      ? await summarisePass(env(templateUrl), meters)
      : { seconds: 0, rssMb: 0, cpuMsPerMeter: 0 };
    log(
      `  day summaries of the whole history: ${days.seconds.toFixed(0)} s, jobs CPU ${days.cpuMsPerMeter} ms per meter, peak RSS ${days.rssMb} MB`,
    );

    t = performance.now();
    const ingest: IngestPass = !PASSES.has('ingest')
      ? { readings: 0, rate: 0, firstRoundRate: 0, cpuUs: 0, rssMb: 0 }
      : await ingestPass(
          env(await copies.copy(`${template}_ingest`)),
          mosquitto.url,
          nextReadings(ids, ingestRounds(meters), HISTORY_FROM, HISTORY_TO, NOW),
          meters,
        );
    log(
      `  ingest: ${Math.round(ingest.rate)} readings/s over ${ingest.readings} (first round ${Math.round(ingest.firstRoundRate)}/s), ${ingest.cpuUs} µs CPU per reading, peak RSS ${ingest.rssMb} MB (${seconds(t).toFixed(0)} s)`,
    );

    t = performance.now();
    const one: SettlePass = !PASSES.has('settle1')
      ? skippedSettle(1)
      : await settlePass(env(await copies.copy(`${template}_s1`)), {
          processes: 1,
          contracts: meters,
          services,
          followValuingMs: VALUING_MS,
        });
    log(
      `  settle, 1 jobs process: ${one.perSec.toFixed(1)} contracts/s (${one.seconds.toFixed(1)} s), peak RSS ${one.rssMb} MB; CPU per contract ${cpuText(one.cpuMs)}; then valuing the open month: ${one.valuing?.outcome ?? 'not followed'} after ${one.valuing?.seconds ?? 0} s (${one.valuing?.valued ?? 0} bills, ${one.valuing?.perSec ?? 0}/s), peak RSS ${one.valuing?.rssMb ?? 0} MB (${seconds(t).toFixed(0)} s)`,
    );
    t = performance.now();
    const settledUrl = await copies.copy(`${template}_s2`);
    const two: SettlePass = !PASSES.has('settle2')
      ? skippedSettle(2)
      : await settlePass(env(settledUrl), { processes: 2, contracts: meters, services });
    log(
      `  settle, 2 jobs processes: ${two.perSec.toFixed(1)} contracts/s (${two.seconds.toFixed(1)} s; settled ${two.settledBy.join(' + ')}), peak RSS ${two.rssMb} MB; CPU per contract ${cpuText(two.cpuMs)} (${seconds(t).toFixed(0)} s)`,
    );

    t = performance.now();
    const coldIds = spread(ids, COLD_METERS);
    const api: ApiPass = !PASSES.has('api')
      ? skippedApi
      : await apiPass(env(settledUrl), {
          meterIds: coldIds,
          warmupMeters: COLD_WARMUP,
          from: OCTOBER.start,
          to: OCTOBER.end,
          month: OCTOBER.label,
          staffKey: fleet.staffKey,
          connections: CONNECTIONS,
          warmRounds: 2,
          beforeCold: () => awaitColdPathReady(settledUrl, OCTOBER.end),
        });
    log(
      `  api: cold p99 ${api.coldP99Ms} ms (${api.coldReqPerSec}/s), warm p99 ${api.warmP99Ms} ms (${api.warmReqPerSec}/s, cache hits ${Math.round(api.warmCacheHitRatio * 100)} %, cache ${api.cacheMb} MB) over ${api.meters} meters; summary ${api.summaryMs} ms, revenue ${api.revenueMs} ms; peak RSS ${api.rssMb} MB (${seconds(t).toFixed(0)} s)`,
    );

    const influxRssMb = peakRssMb(influxPid);
    const series = await influxSeries(influx.url, influxDb);
    const jobsRssMb = Math.max(one.rssMb, two.rssMb, one.valuing?.rssMb ?? 0, days.rssMb);
    return {
      meters,
      ingestRate: Math.round(ingest.rate),
      apiColdP99Ms: api.coldP99Ms,
      apiWarmP99Ms: api.warmP99Ms,
      settlePerSec: Math.round(one.perSec * 10) / 10,
      settlePerSec2: Math.round(two.perSec * 10) / 10,
      summaryMs: api.summaryMs,
      peakRssMb: Math.max(api.rssMb, ingest.rssMb, jobsRssMb),
      revenueMs: api.revenueMs,
      apiRssMb: api.rssMb,
      ingestRssMb: ingest.rssMb,
      jobsRssMb,
      influxRssMb,
      influxSeries: series.series,
      influxShardSeries: series.indexed,
      ingestCpuUsPerReading: ingest.cpuUs,
      ingestFirstRoundRate: Math.round(ingest.firstRoundRate),
      apiColdReqPerSec: api.coldReqPerSec,
      apiWarmReqPerSec: api.warmReqPerSec,
      apiMetersRead: api.meters,
      apiWarmCacheHitRatio: api.warmCacheHitRatio,
      apiCacheMb: api.cacheMb,
      settleSeconds: Math.round(one.seconds * 10) / 10,
      settleSeconds2: Math.round(two.seconds * 10) / 10,
      settledBy2: two.settledBy,
      jobsSettleRssMb: Math.max(one.rssMb, two.rssMb),
      jobsSummariseRssMb: days.rssMb,
      summariseSeconds: Math.round(days.seconds),
      valuingOutcome: one.valuing?.outcome ?? 'not followed',
      valuingSeconds: one.valuing?.seconds ?? 0,
      valuingPerSec: one.valuing?.perSec ?? 0,
      historyReadings: points,
      loadSeconds: Math.round(loadSeconds),
      sizeSeconds: Math.round(seconds(t0)),
    };
  } finally {
    await Promise.all([influx.dispose(), mosquitto.dispose()]);
    await copies.dropAll();
    if (process.env.BENCH_KEEP_LOG) log(`  logs kept in ${tmp.dir}`);
    else tmp.cleanup();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `bench:scale: ${SIZES.join(', ')} meters, 35 days of quarter hours each; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const pg = await startPostgres();
  if (pg === undefined) throw new Error('bench:scale needs PostgreSQL (see install-services)');
  const postgres = { ...pg, pid: pidByCommandLine(pg.baseDir) };
  const results: SizeResult[] = [];
  try {
    for (const meters of SIZES) {
      log(`size ${meters}: (load average ${loadavg()[0]!.toFixed(1)})`);
      results.push(await measureSize(meters, postgres));
    }
  } finally {
    await pg.stop();
  }
  printTable(results, log);
  log(`whole run: ${(seconds(started) / 60).toFixed(1)} min`);
  log(JSON.stringify({ sizes: results }));
}

try {
  await main();
} catch (e) {
  process.stderr.write(
    `bench:scale FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
}
