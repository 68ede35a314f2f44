// Part of bench:scale: month-end settlement of the whole fleet by `wattledger serve --role jobs`
// processes running at once against one PostgreSQL ledger, timed from their own logs.
import pg from 'pg';
import { waitFor } from '../test/harness/process.js';
import { cpuSeconds, peakRssMb, settlementRuns, spawnRole, type RoleEnv } from './scale-procs.js';

export interface SettlePass {
  readonly processes: number;
  readonly contracts: number;
  /** From the first run's start to the last run's end, over every process. */
  readonly seconds: number;
  readonly perSec: number;
  /** Periods each process settled: all of them share the work. */
  readonly settledBy: readonly number[];
  readonly rssMb: number;
  /** CPU per contract of the jobs processes (from their start) and of InfluxDB meanwhile, ms. */
  readonly jobsCpuMs: number;
  readonly influxCpuMs: number;
}

async function countPeriods(ledgerUrl: string): Promise<{ settled: number; held: number }> {
  const client = new pg.Client({ connectionString: ledgerUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM billing_periods GROUP BY status',
    );
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { settled: n('settled'), held: n('held') };
  } finally {
    await client.end();
  }
}

/**
 * Start `processes` jobs processes at once on `env` (a fresh copy of the unsettled ledger), their
 * settlement cron ticking every second, and wait until each of the `contracts` October periods is
 * settled. Their clocks start at `env.now`, past October's grace window, so the first tick of each
 * finds the whole month due; leases in the ledger split the periods between them. The processes are
 * stopped before this resolves. Throws if a period is held or a run failed one.
 */
export async function settlePass(
  env: RoleEnv,
  processes: number,
  contracts: number,
  influxPid?: number,
): Promise<SettlePass> {
  const influx0 = influxPid === undefined ? 0 : cpuSeconds(influxPid);
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
  } finally {
    // A process may be valuing the open month after its run: no need to wait for that.
    await Promise.all(jobs.map((j) => j.process.stop(2000)));
  }
  const influxCpu = influxPid === undefined ? 0 : cpuSeconds(influxPid) - influx0;
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
    jobsCpuMs: (jobsCpu * 1000) / contracts,
    influxCpuMs: (influxCpu * 1000) / contracts,
  };
}
