// npm run bench:scale — how wattledger's parts grow with the fleet. For each size (BENCH_SIZES,
// default 1000,5000,20000 meters): a fresh InfluxDB with 35 days of 15-minute readings of every
// meter, a PostgreSQL ledger with one household contract per meter (Europe/Paris, the
// docs/design.md §5 tariff), and Mosquitto. Then, each on its own compiled process:
// - ingest: one reading of every meter through Mosquitto into InfluxDB, then BENCH_SCALE_READINGS
//   (100,000) more, timed;
// - settlement of October by one, then two `--role jobs` processes, each on a fresh copy of the
//   unsettled ledger;
// - a freshly started API: a month of day buckets for BENCH_SCALE_COLD (2,000) meters, each once
//   (cold), then the same again (warm), 32 connections; the billing summary and state of revenue of
//   the settled month;
// - the peak RSS of every role and of InfluxDB, and InfluxDB's series count.
// Every process's clock starts at the bench's NOW (CLOCK_START), where the data ends. A table, then
// one JSON object as the last line. BENCH_NODE_ARGS sets the node flags of the measured processes
// (default --max-old-space-size=128, as `npm start`); BENCH_KEEP_LOG keeps their logs.
import { loadavg, cpus } from 'node:os';
import { startInfluxd } from '../test/harness/influxd.js';
import { startMosquitto } from '../test/harness/mosquitto.js';
import { startPostgres } from '../test/harness/postgres.js';
import { tempDir } from '../test/support/instance.js';
import { apiPass, type ApiPass } from './scale-api.js';
import { DAY_MS, localMonth } from './billing-fleet.js';
import { ledgerCopies, seedFleet } from './scale-fleet.js';
import { ingestPass, nextReadings, type IngestPass } from './scale-ingest.js';
import { loadHistory, STEP_MS } from './scale-load.js';
import { peakRssMb, pidByCommandLine, type RoleEnv } from './scale-procs.js';
import { settlePass, type SettlePass } from './scale-settle.js';
import { printTable, type SizeResult } from './scale-report.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,20000').split(',').map(Number);
/**
 * Readings the ingest pass times, at every size (at least 2 per meter), after an untimed round of
 * one per meter.
 */
const INGEST_READINGS = Number(process.env.BENCH_SCALE_READINGS ?? 100_000);
const COLD_METERS = Number(process.env.BENCH_SCALE_COLD ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** October 2026 in Europe/Paris: the month settled, summed and read at every size. */
const OCTOBER = localMonth(2026, 10);
/**
 * The bench's "now": past October's end plus the 72-hour grace window, so the whole month is due
 * for settlement. Every process's clock starts here.
 */
const NOW = Date.parse('2026-11-04T12:00:00Z');
const HISTORY_FROM = NOW - 35 * DAY_MS;
/** Rounds the ingest pass publishes (one reading of every meter each) for `meters` meters. */
const ingestRounds = (meters: number) => 1 + Math.max(2, Math.ceil(INGEST_READINGS / meters));
/**
 * The history stops where the ingest pass's readings begin, one quarter hour a round, ending at
 * NOW: for 1,000 meters a day before NOW, for 20,000 an hour and a half.
 */
const historyTo = (meters: number) => NOW - (ingestRounds(meters) + 1) * STEP_MS;
const log = (msg: string) => process.stdout.write(`${msg}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

/**
 * HOOK — the cold path of day summaries. A jobs-process task is coming that summarises each sealed
 * local day into the ledger, from which the API answers day buckets without reading InfluxDB. The
 * cold API pass measures a restarted API process, and with that task it must run once the summaries
 * of the month read are complete, or it would measure the summarising instead. Until the task
 * exists there is nothing to wait for and this returns at once; then it must wait (polling the
 * ledger, with the jobs process left running) until every bench meter's October days are
 * summarised.
 */
async function awaitColdPathReady(_ledgerUrl: string, _meterIds: readonly string[]): Promise<void> {
  // Nothing to wait for yet.
}

/** `count` meter ids, `scale-000000` on. */
const meterIdsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => `scale-${String(i).padStart(6, '0')}`);

/** `k` of `ids`, evenly spread, so the cold pass reads meters from the whole fleet. */
function spread(ids: readonly string[], k: number): string[] {
  if (k >= ids.length) return [...ids];
  return Array.from({ length: k }, (_, i) => ids[Math.floor((i * ids.length) / k)]!);
}

async function influxSeries(url: string, db: string): Promise<number> {
  const q = new URLSearchParams({ q: `SHOW SERIES EXACT CARDINALITY ON "${db}"` });
  const body = (await (await fetch(`${url}/query?${q}`)).json()) as {
    results: { series?: { values: [number][] }[] }[];
  };
  return (body.results[0]?.series ?? []).reduce((n, s) => n + (s.values[0]?.[0] ?? 0), 0);
}

async function measureSize(
  meters: number,
  postgres: { url: string; createDatabase(name?: string): Promise<string> },
): Promise<SizeResult> {
  const t0 = performance.now();
  const ids = meterIdsOf(meters);
  const tmp = tempDir(`wl-bench-scale-${meters}-`);
  const [influx, mosquitto] = await Promise.all([startInfluxd(), startMosquitto()]);
  const template = `scale_${meters}`;
  const copies = ledgerCopies(postgres.url, template);
  try {
    const influxDb = 'scale';
    const [fleet, points] = await Promise.all([
      postgres.createDatabase(template).then((url) =>
        seedFleet(url, ids, {
          contractStart: OCTOBER.start,
          installedAt: HISTORY_FROM - DAY_MS,
          now: NOW,
        }),
      ),
      loadHistory({
        influxUrl: influx.url,
        database: influxDb,
        meterIds: ids,
        from: HISTORY_FROM,
        to: historyTo(meters),
      }),
    ]);
    const loadSeconds = seconds(t0);
    log(
      `  ${meters} meters: ${points} readings in InfluxDB and the ledger seeded (${fleet.seconds.toFixed(0)} s) in ${loadSeconds.toFixed(0)} s`,
    );
    const env = (ledgerUrl: string): RoleEnv => ({
      influxUrl: influx.url,
      influxDb,
      ledgerUrl,
      now: NOW,
      dir: tmp.dir,
    });

    const influxPid = pidByCommandLine(influx.dataDir);
    let t = performance.now();
    const ingest: IngestPass = await ingestPass(
      env(await copies.copy(`${template}_ingest`)),
      mosquitto.url,
      nextReadings(ids, ingestRounds(meters), HISTORY_FROM, historyTo(meters)),
      meters,
    );
    log(
      `  ingest: ${Math.round(ingest.rate)} readings/s over ${ingest.readings} (first round ${Math.round(ingest.firstRoundRate)}/s), ${ingest.cpuUs} µs CPU per reading, peak RSS ${ingest.rssMb} MB (${seconds(t).toFixed(0)} s)`,
    );

    t = performance.now();
    const one: SettlePass = await settlePass(
      env(await copies.copy(`${template}_s1`)),
      1,
      meters,
      influxPid,
    );
    log(
      `  settle, 1 jobs process: ${one.perSec.toFixed(1)} contracts/s (${one.seconds.toFixed(1)} s), peak RSS ${one.rssMb} MB; CPU/contract jobs ${one.jobsCpuMs.toFixed(1)} ms, InfluxDB ${one.influxCpuMs.toFixed(1)} ms (${seconds(t).toFixed(0)} s)`,
    );
    t = performance.now();
    const settledUrl = await copies.copy(`${template}_s2`);
    const two: SettlePass = await settlePass(env(settledUrl), 2, meters, influxPid);
    log(
      `  settle, 2 jobs processes: ${two.perSec.toFixed(1)} contracts/s (${two.seconds.toFixed(1)} s; settled ${two.settledBy.join(' + ')}), peak RSS ${two.rssMb} MB; CPU/contract jobs ${two.jobsCpuMs.toFixed(1)} ms, InfluxDB ${two.influxCpuMs.toFixed(1)} ms (${seconds(t).toFixed(0)} s)`,
    );

    t = performance.now();
    const coldIds = spread(ids, COLD_METERS);
    const api: ApiPass = await apiPass(env(settledUrl), {
      meterIds: coldIds,
      from: OCTOBER.start,
      to: OCTOBER.end,
      month: OCTOBER.label,
      staffKey: fleet.staffKey,
      connections: CONNECTIONS,
      warmRounds: 2,
      beforeCold: () => awaitColdPathReady(settledUrl, coldIds),
    });
    log(
      `  api: cold p99 ${api.coldP99Ms} ms (${api.coldReqPerSec}/s), warm p99 ${api.warmP99Ms} ms (${api.warmReqPerSec}/s) over ${api.meters} meters; summary ${api.summaryMs} ms, revenue ${api.revenueMs} ms; peak RSS ${api.rssMb} MB (${seconds(t).toFixed(0)} s)`,
    );

    const influxRssMb = peakRssMb(influxPid);
    const series = await influxSeries(influx.url, influxDb);
    const jobsRssMb = Math.max(one.rssMb, two.rssMb);
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
      influxSeries: series,
      ingestCpuUsPerReading: ingest.cpuUs,
      ingestFirstRoundRate: Math.round(ingest.firstRoundRate),
      apiColdReqPerSec: api.coldReqPerSec,
      apiWarmReqPerSec: api.warmReqPerSec,
      apiMetersRead: api.meters,
      settleSeconds: Math.round(one.seconds * 10) / 10,
      settleSeconds2: Math.round(two.seconds * 10) / 10,
      settledBy2: two.settledBy,
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
  const postgres = await startPostgres();
  if (postgres === undefined)
    throw new Error('bench:scale needs PostgreSQL (see install-services)');
  const results: SizeResult[] = [];
  try {
    for (const meters of SIZES) {
      log(`size ${meters}: (load average ${loadavg()[0]!.toFixed(1)})`);
      results.push(await measureSize(meters, postgres));
    }
  } finally {
    await postgres.stop();
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
