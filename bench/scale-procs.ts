// Part of bench:scale: wattledger roles as their own compiled processes, their memory high-water
// marks, InfluxDB's, and what the jobs processes' logs say about their settlement runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../src/shared/clock.js';
import { spawnWattledger, type ChildInstance } from '../test/support/child-instance.js';
import { measuredNodeArgs, measuredNodeEnv } from './node-runtime.js';

/**
 * Node flags of a measured process of `role`: those its start script runs with (`npm start`, or
 * `npm run start:jobs` for the jobs), unless BENCH_NODE_ARGS overrides them; with
 * BENCH_CPU_PROF=<folder>, each writes its CPU profile there.
 */
export const nodeArgsOf = (role: string): string[] => [
  ...measuredNodeArgs(role),
  ...(process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : []),
];

/** Where a role's process reads its services, and the bench's instant for its clock. */
export interface RoleEnv {
  readonly influxUrl: string;
  readonly influxDb: string;
  readonly ledgerUrl: string;
  /**
   * The bench's timeline for this fleet size: it read the instant the data ends at when the size's
   * first process started and runs at real speed from there. Each process starts its clock
   * (CLOCK_START) at the timeline's reading, so all of them agree on the time: a process started
   * later at the fixed instant would see what the earlier ones did (invoices issued, days sealed)
   * in its future.
   */
  readonly clock: Clock;
  /** DATA_DIR and log folder of this process. */
  readonly dir: string;
}

/**
 * `wattledger serve` in `role`, compiled, with the clock the other processes of the run get and no
 * crons unless `extra` sets them. Resolves once /readyz answers.
 */
export async function spawnRole(
  role: 'api' | 'ingest' | 'jobs',
  name: string,
  base: RoleEnv,
  extra: Record<string, string> = {},
): Promise<ChildInstance> {
  return spawnWattledger(
    {
      ...measuredNodeEnv(role),
      ROLE: role,
      INFLUX_URL: base.influxUrl,
      INFLUX_DB: base.influxDb,
      DATABASE_URL: base.ledgerUrl,
      CLOCK_START: new Date(base.clock.now()).toISOString(),
      DATA_DIR: path.join(base.dir, name),
      MQTT_CLIENT_ID: `scale-${name}`,
      LOG_LEVEL: 'warn',
      SETTLE_CRON: 'off',
      RETENTION_CRON: 'off',
      // Only the summarising pass summarises: a settlement pass on a ledger not summarised would
      // otherwise summarise the whole history beside its settling.
      DAY_SUMMARY_CRON: 'off',
      ...extra,
    },
    path.join(base.dir, `${name}.log`),
    { compiled: true, nodeArgs: nodeArgsOf(role) },
  );
}

/** Peak resident memory (VmHWM) of a live process, MB; 0 once it is gone. */
export function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Math.round(Number(m?.[1] ?? 0) / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** CPU seconds a live process has used (user + system). */
export function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of a live process and of its children, dead (reaped) or alive: a PostgreSQL server's
 * backends come and go with the connections.
 */
export function treeCpuSeconds(pid: number | undefined): number {
  const stat = (p: string) =>
    readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const own = stat(String(pid));
  let ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(own[i]), 0);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = stat(d);
      // Field 4 of /proc/<pid>/stat, the parent: index 1 once the name is split off.
      if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile: its time is in the parent's reaped-children fields by now
    }
  }
  return ticks / 100;
}

/** The pid of the process whose command line names `marker` (a harness service's temp folder). */
export function pidByCommandLine(marker: string): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** One `settlement run` line of a jobs process's log (pino JSON; `time` is the wall clock). */
export interface SettlementRun {
  readonly settled: number;
  readonly held: number;
  readonly closed: number;
  readonly failed: number;
  /** Wall-clock ms when the run began and ended. */
  readonly start: number;
  readonly end: number;
}

/** The settlement runs a process logged that did something. */
export function settlementRuns(logFile: string): SettlementRun[] {
  const out: SettlementRun[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"msg":"settlement run"')) continue;
    const r = JSON.parse(line) as {
      settled: number;
      held: number;
      closed: number;
      failed: number;
      ms: number;
      time: number;
    };
    if (r.settled + r.held + r.closed + r.failed === 0) continue;
    out.push({
      settled: r.settled,
      held: r.held,
      closed: r.closed,
      failed: r.failed,
      start: r.time - r.ms,
      end: r.time,
    });
  }
  return out;
}
