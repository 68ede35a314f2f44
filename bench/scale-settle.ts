// Part of bench:scale: month-end settlement of the whole fleet by `wattledger serve --role jobs`
// processes running at once against one PostgreSQL ledger, timed from their own logs; and what the
// same schedule does next, valuing the recent months' unsettled bills.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { waitFor } from '../test/harness/process.js';
import { cpuSeconds, peakRssMb, settlementRuns, spawnRole, type RoleEnv } from './scale-procs.js';

/** How the valuing that follows a settlement run ended, when the pass waited for it. */
export type ValuingOutcome = 'valued' | 'crashed' | 'unfinished';

export interface SettlePass {
  readonly processes: number;
  readonly contracts: number;
  /** From the first run's start to the last run's end, over every process. */
  readonly seconds: number;
  readonly perSec: number;
  /** Periods each process settled: all of them share the work. */
  readonly settledBy: readonly number[];
  /** Peak RSS of the jobs processes while settling, MB. */
  readonly rssMb: number;
  /**
   * CPU per contract, ms: of the jobs processes (from their start) and of each service meanwhile
   * (InfluxDB, PostgreSQL).
   */
  readonly cpuMs: Readonly<Record<string, number>>;
  /**
   * With `followValuing`: how the valuing of the open month after the run ended, how long it took
   * from the run's end, and the process's peak RSS over both.
   */
  readonly valuing?: {
    readonly outcome: ValuingOutcome;
    readonly seconds: number;
    readonly rssMb: number;
    /** Bills valued (revenue marks recorded) by then, and per second. */
    readonly valued: number;
    readonly perSec: number;
  };
}

/** Run `query` on a short-lived connection to `url`. */
async function queryRows<T extends pg.QueryResultRow>(url: string, query: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(query)).rows;
  } finally {
    await client.end();
  }
}

async function countPeriods(ledgerUrl: string): Promise<{ settled: number; held: number }> {
  const rows = await queryRows<{ status: string; n: string }>(
    ledgerUrl,
    'SELECT status, count(*) AS n FROM billing_periods GROUP BY status',
  );
  const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  return { settled: n('settled'), held: n('held') };
}

const countMarks = async (ledgerUrl: string) =>
  Number(
    (await queryRows<{ n: string }>(ledgerUrl, 'SELECT count(*) AS n FROM revenue_marks'))[0]?.n,
  );

export interface SettlePassOptions {
  /** Jobs processes started at once. */
  readonly processes: number;
  /** The fleet's contracts: one October period each. */
  readonly contracts: number;
  /** CPU seconds used so far by the services, by name. */
  readonly services?: () => Record<string, number>;
  /**
   * After the run, leave the (single) process to value the open month's `contracts` bills, as its
   * schedule does next, for at most this long, ms; 0: stop it at once.
   */
  readonly followValuingMs?: number;
}

/**
 * Start the jobs processes at once on `env` (a fresh copy of the unsettled ledger), their
 * settlement cron ticking every second, and wait until each October period is settled. Their
 * clocks read the size's timeline, past October's grace window, so the first tick of each finds
 * the whole month due; leases in the ledger split the periods between them. The processes are
 * stopped before this resolves. Throws if a period is held or a run failed one.
 */
export async function settlePass(env: RoleEnv, opts: SettlePassOptions): Promise<SettlePass> {
  const { processes, contracts } = opts;
  const services = opts.services ?? ((): Record<string, number> => ({}));
  const services0 = services();
  const jobs = await Promise.all(
    Array.from({ length: processes }, (_, i) =>
      spawnRole('jobs', `jobs-${processes}-${i}`, env, {
        SETTLE_CRON: '* * * * * *',
        // The runs' `settlement run` lines (info) are what the pass is timed from.
        LOG_LEVEL: 'info',
      }),
    ),
  );
  let rssMb: number;
  let jobsCpu: number;
  let valuing: SettlePass['valuing'];
  try {
    let held = 0;
    await waitFor(
      `${contracts} periods settled by ${processes} jobs processes`,
      async () => {
        const c = await countPeriods(env.ledgerUrl);
        held = c.held;
        return c.settled + c.held >= contracts;
      },
      { timeoutMs: 3_600_000, intervalMs: 250, process: jobs[0]!.process },
    );
    if (held > 0) throw new Error(`${held} periods held (see ${env.dir})`);
    rssMb = Math.max(...jobs.map((j) => peakRssMb(j.process.pid)));
    jobsCpu = jobs.reduce((sum, j) => sum + cpuSeconds(j.process.pid), 0);
    if ((opts.followValuingMs ?? 0) > 0 && processes === 1)
      valuing = await followValuing(
        env.ledgerUrl,
        jobs[0]!.process,
        contracts,
        opts.followValuingMs!,
      );
  } finally {
    // A process may be valuing the open month after its run: no need to wait for that, unless it
    // is to write its CPU profile on the way out.
    await Promise.all(jobs.map((j) => j.process.stop(process.env.BENCH_CPU_PROF ? 600_000 : 2000)));
  }
  const perContract = (secs: number) => Math.round((secs * 10_000) / contracts) / 10;
  const cpuMs: Record<string, number> = { jobs: perContract(jobsCpu) };
  for (const [name, secs] of Object.entries(services()))
    cpuMs[name] = perContract(secs - (services0[name] ?? 0));
  const runs = jobs.map((j) => settlementRuns(j.process.logFile));
  const all = runs.flat();
  const failed = all.reduce((n, r) => n + r.failed + r.held, 0);
  if (failed > 0) throw new Error(`settlement runs failed or held ${failed} periods`);
  const seconds =
    (Math.max(...all.map((r) => r.end)) - Math.min(...all.map((r) => r.start))) / 1000;
  return {
    processes,
    contracts,
    seconds,
    perSec: contracts / seconds,
    settledBy: runs.map((rs) => rs.reduce((n, r) => n + r.settled, 0)),
    rssMb,
    cpuMs,
    ...(valuing === undefined ? {} : { valuing }),
  };
}

/**
 * Wait until the process has recorded a valuation of each open bill (revenue marks), has died, or
 * `timeoutMs` has passed, sampling its peak RSS meanwhile (a dead process's can no longer be read).
 */
async function followValuing(
  ledgerUrl: string,
  proc: { readonly pid: number | undefined; running(): boolean },
  bills: number,
  timeoutMs: number,
): Promise<NonNullable<SettlePass['valuing']>> {
  const started = performance.now();
  let rssMb = 0;
  for (;;) {
    rssMb = Math.max(rssMb, peakRssMb(proc.pid));
    const valued = await countMarks(ledgerUrl);
    const outcome: ValuingOutcome | undefined = !proc.running()
      ? 'crashed'
      : valued >= bills
        ? 'valued'
        : performance.now() - started > timeoutMs
          ? 'unfinished'
          : undefined;
    if (outcome !== undefined) {
      const seconds = (performance.now() - started) / 1000;
      return {
        outcome,
        seconds: Math.round(seconds * 10) / 10,
        rssMb,
        valued,
        perSec: Math.round((valued / seconds) * 10) / 10,
      };
    }
    await delay(250);
  }
}
