// npm run bench:settle — settlement throughput. BENCH_CONTRACTS contracts (default 2,000), one
// simulated household meter each, the docs/design.md §5 time-of-use tariff in Europe/Paris,
// October 2026 (31 days and the DST change) of 15-minute readings in a harness InfluxDB, the ledger
// in SQLite (BENCH_LEDGER=postgres: a harness PostgreSQL). The settlement run is compared, in the
// same process and run, with only reading the same data the way settlement reads it. The last line
// printed is one JSON object; readSeconds is the mean of the read-only passes before and after the
// settlement. Everything shares the machine's cores, so the first line shows the load average:
// other work on the box skews the figures.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { measuredBill } from '../src/billing/bills/period-bill.js';
import { readBillMeters, type BillReadRequest } from '../src/billing/bills/read-meters.js';
import { periodContaining } from '../src/billing/periods/billing-periods.js';
import {
  loadBillingContexts,
  type BillingContext,
} from '../src/billing/records/billing-context.js';
import { invoiceNumber } from '../src/billing/records/invoices-repo.js';
import {
  DEFAULT_BILLING_OPTIONS,
  type BillingDeps,
} from '../src/billing/settlement/billing-deps.js';
import { runSettlement } from '../src/billing/settlement/run-settlement.js';
import { openLedger } from '../src/ledger/connect.js';
import { migrateLedger } from '../src/ledger/migrate.js';
import { createInfluxStore } from '../src/readings/influx/influx-store.js';
import type { ReadingStore } from '../src/readings/reading-store.js';
import { manualClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { startInfluxd } from '../test/harness/influxd.js';
import { startPostgres, type PostgresHandle } from '../test/harness/postgres.js';
import {
  createSettlementFleet,
  DAY_MS,
  loadReadings,
  localMonth,
  simulatedFleet,
} from './billing-fleet.js';

const N = Number(process.env.BENCH_CONTRACTS ?? 2000);
const LEDGER = process.env.BENCH_LEDGER ?? 'sqlite';
const OCTOBER = localMonth(2026, 10);
// October ends 2026-10-31T23:00Z; with the 72 h grace, settlement is due from 2026-11-03T23:00Z on.
const NOW = Date.parse('2026-11-10T00:00:00Z');
/**
 * settle-periods.ts prices periods in chunks of this many, reading the
 * next chunk while writing one.
 */
const SETTLE_CHUNK = 100;
const log = (msg: string) => process.stdout.write(`${msg}\n`);
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * CPU milliseconds used so far by this process and by the harness influxd (found in /proc
 * by its temp folder). Wall time on a shared machine moves with whatever else runs; CPU
 * per contract much less so.
 */
function cpuClock(influxDir: string): () => { node: number; influxd: number } {
  const cmdline = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  const pid = readdirSync('/proc').find((d) => /^\d+$/.test(d) && cmdline(d).includes(influxDir));
  // utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (USER_HZ = 100 on Linux).
  const influxd = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  return () => {
    const u = process.cpuUsage();
    return {
      node: (u.user + u.system) / 1000,
      influxd: pid === undefined ? Number.NaN : influxd(),
    };
  };
}

/**
 * Sums the time from a query's compilation to its result: what settlement
 * spends waiting on the ledger.
 */
class LedgerTimer implements KyselyPlugin {
  readonly #started = new WeakMap<object, number>();
  ms = 0;
  queries = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.#started.set(args.queryId, performance.now());
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const t0 = this.#started.get(args.queryId);
    if (t0 !== undefined) {
      this.ms += performance.now() - t0;
      this.queries += 1;
    }
    return args.result;
  }
}

/**
 * The store with the wall time of its `windows` calls summed (calls overlap: up to 2 run at once).
 */
function timedStore(store: ReadingStore): ReadingStore & { ms: number } {
  const timed = { ...store, ms: 0 };
  timed.windows = async (requests) => {
    const t0 = performance.now();
    try {
      return await store.windows(requests);
    } finally {
      timed.ms += performance.now() - t0;
    }
  };
  return timed;
}

/**
 * Read every request the way settlement does (chunks of SETTLE_CHUNK periods, one `readBillMeters`
 * each), handing each chunk's readings to `use`. Answers the seconds taken and the readings read.
 */
async function readPass(
  store: ReadingStore,
  requests: readonly BillReadRequest[],
  use?: (
    chunk: readonly BillReadRequest[],
    got: Awaited<ReturnType<typeof readBillMeters>>,
  ) => void,
): Promise<{ seconds: number; readings: number }> {
  const t0 = performance.now();
  let readings = 0;
  for (let i = 0; i < requests.length; i += SETTLE_CHUNK) {
    const chunk = requests.slice(i, i + SETTLE_CHUNK);
    const got = await readBillMeters(store, chunk);
    for (const meters of got.values()) for (const m of meters) readings += m.readings.length;
    use?.(chunk, got);
  }
  return { seconds: secondsSince(t0), readings };
}

async function main(): Promise<void> {
  log(
    `bench:settle: ${N} contracts, one meter each, ${OCTOBER.label} in Europe/Paris, ledger ${LEDGER}; ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const influx = await startInfluxd();
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-bench-settle-'));
  let pg: PostgresHandle | undefined;
  try {
    let ledgerUrl = `sqlite:${dir}/ledger.db`;
    if (LEDGER === 'postgres') {
      pg = await startPostgres();
      if (pg === undefined)
        throw new Error('BENCH_LEDGER=postgres, but PostgreSQL is not installed');
      ledgerUrl = await pg.createDatabase();
    } else if (LEDGER !== 'sqlite')
      throw new Error(`BENCH_LEDGER must be sqlite or postgres, got ${LEDGER}`);
    const ledger = openLedger(ledgerUrl);
    await migrateLedger(ledger);
    const timer = new LedgerTimer();
    const clock = manualClock(NOW);
    const store = createInfluxStore({ url: influx.url, database: 'benchsettle' });
    await store.init();

    // Meters installed a month before: the register model counts from there,
    // and no reading precedes it.
    const meters = simulatedFleet(N, 20261110, 'settle-', OCTOBER.start - 30 * DAY_MS);
    let t0 = performance.now();
    await createSettlementFleet({ db: ledger.db, clock }, meters, OCTOBER.start);
    log(`fleet:    ${N} customers, contracts and meters in ${secondsSince(t0).toFixed(1)} s`);
    // Three days either side, so every period has its neighbours before
    // the start and after the end.
    t0 = performance.now();
    const loaded = await loadReadings(
      store,
      meters,
      OCTOBER.start - 3 * DAY_MS,
      OCTOBER.end + 3 * DAY_MS,
    );
    log(`load:     ${loaded} readings in ${secondsSince(t0).toFixed(1)} s`);

    const contexts = [...(await loadBillingContexts(ledger.db)).values()];
    const requests = contexts.map((ctx: BillingContext): BillReadRequest => {
      const p = periodContaining(ctx, OCTOBER.start);
      if (p === undefined || p.start !== OCTOBER.start || p.end !== OCTOBER.end)
        throw new Error(`contract ${ctx.contractId}: unexpected October period`);
      // What settle-periods.ts asks for a closed period settled without force:
      // [start, end] plus neighbours.
      return { key: ctx.contractId, meterIds: ctx.meterIds, from: p.start, to: p.end };
    });
    const byId = new Map(contexts.map((c) => [c.contractId, c]));

    // Fairness. The first pass over the data pays for InfluxDB's cold caches (TSM blocks, series
    // index) and for V8 compiling the read and pricing paths; whichever measurement came first
    // would pay it. So a warm-up pass reads everything and prices it in memory (untimed as a whole,
    // but its pricing time is kept: settlement's pure CPU share). Then the read-only pass runs
    // before and after the settlement, and its mean is the reference: drift in either direction
    // (InfluxDB compacting the fresh load in the background, the page cache, other work on a shared
    // machine) weighs on both sides.
    let pricingMs = 0;
    const warm = await readPass(store, requests, (chunk, got) => {
      const p0 = performance.now();
      for (const r of chunk) {
        const ctx = byId.get(r.key)!;
        measuredBill({
          tariff: ctx.tariff,
          tz: ctx.timezone,
          period: { start: r.from, end: r.to },
          meters: got.get(r.key) ?? [],
        });
      }
      pricingMs += performance.now() - p0;
    });
    log(
      `warm-up:  read ${warm.readings} readings in ${warm.seconds.toFixed(1)} s, of which pricing in memory ${(pricingMs / 1000).toFixed(1)} s (${round(N / (pricingMs / 1000))} contracts/s)`,
    );

    const cpu = cpuClock(influx.dataDir);
    const cpuSince = (c0: ReturnType<typeof cpu>) => {
      const c = cpu();
      return `cpu/contract: node ${((c.node - c0.node) / N).toFixed(1)} ms, influxd ${((c.influxd - c0.influxd) / N).toFixed(1)} ms`;
    };
    let c0 = cpu();
    const read1 = await readPass(store, requests);
    log(
      `read 1:   ${round(N / read1.seconds)} contracts/s (${read1.seconds.toFixed(2)} s, ${round(read1.readings / read1.seconds)} readings/s); ${cpuSince(c0)}`,
    );

    const timed = timedStore(store);
    const deps: BillingDeps = {
      db: ledger.db.withPlugin(timer),
      store: timed,
      clock,
      log: createLogger('warn', 'bench-settle'),
    };
    c0 = cpu();
    t0 = performance.now();
    const result = await runSettlement(deps, DEFAULT_BILLING_OPTIONS, { actor: 'bench' });
    const settleSeconds = secondsSince(t0);
    log(
      `settle:   ${round(N / settleSeconds)} contracts/s (${settleSeconds.toFixed(2)} s); ${cpuSince(c0)}; ${JSON.stringify(result)}`,
    );
    const perContract = (ms: number) => `${(ms / N).toFixed(1)} ms/contract`;
    log(
      `          inside it: store windows ${perContract(timed.ms)} (2 calls overlap), ledger ${perContract(timer.ms)} (${round(timer.queries / N, 1)} queries/contract), pricing ~${perContract(pricingMs)} (warm-up figure)`,
    );

    c0 = cpu();
    const read2 = await readPass(store, requests);
    log(
      `read 2:   ${round(N / read2.seconds)} contracts/s (${read2.seconds.toFixed(2)} s); ${cpuSince(c0)}`,
    );

    await verify(ledger.db, result);
    log(
      `checked:  ${N} periods settled, invoices ${invoiceNumber(2026, 1)}..${invoiceNumber(2026, N)} without gaps`,
    );
    await ledger.close();

    const readSeconds = (read1.seconds + read2.seconds) / 2;
    const contractsPerSec = N / settleSeconds;
    const readOnlyPerSec = N / readSeconds;
    log(
      JSON.stringify({
        contracts: N,
        contractsPerSec: round(contractsPerSec, 1),
        readOnlyPerSec: round(readOnlyPerSec, 1),
        ratio: round(contractsPerSec / readOnlyPerSec, 2),
        settleSeconds: round(settleSeconds, 2),
        readSeconds: round(readSeconds, 2),
      }),
    );
  } finally {
    await Promise.all([influx.dispose(), pg?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every contract settled, nothing held or failed, invoices INV-2026-000001..N
 * without gaps: else throw.
 */
async function verify(
  db: BillingDeps['db'],
  result: Awaited<ReturnType<typeof runSettlement>>,
): Promise<void> {
  const problems: string[] = [];
  if (result.closed !== N) problems.push(`closed ${result.closed} periods, expected ${N}`);
  if (result.settled !== N || result.held !== 0 || result.failed !== 0)
    problems.push(
      `settled ${result.settled}, held ${result.held}, failed ${result.failed}; expected ${N}, 0, 0`,
    );
  const invoices = await db
    .selectFrom('invoices')
    .select(['number', 'contract_id', 'total'])
    .orderBy('year')
    .orderBy('seq')
    .execute();
  if (invoices.length !== N) problems.push(`${invoices.length} invoices, expected ${N}`);
  invoices.forEach((inv, i) => {
    if (inv.number !== invoiceNumber(2026, i + 1))
      problems.push(`invoice #${i + 1} is ${inv.number}`);
    if (!(Number(inv.total) > 0)) problems.push(`invoice ${inv.number} totals ${inv.total}`);
  });
  if (new Set(invoices.map((i) => i.contract_id)).size !== invoices.length)
    problems.push('a contract has two invoices');
  if (problems.length > 0)
    throw new Error(`settlement check failed:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(
    `bench:settle FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
}
