// Part of bench:scale: the day summaries (the consumption API's cold path), kept by a jobs process:
// the first pass over a fleet's whole history, timed, and the check that they are complete.
import pg from 'pg';
import { SEAL_MS } from '../src/readings/cache/cached-store.js';
import { waitFor } from '../test/harness/process.js';
import { cpuSeconds, peakRssMb, spawnRole, type RoleEnv } from './scale-procs.js';

export interface SummarisePass {
  /** From the jobs process's start until every sealed day is summarised. */
  readonly seconds: number;
  readonly rssMb: number;
  /** CPU of the jobs process per meter, ms. */
  readonly cpuMsPerMeter: number;
}

/**
 * Where the summaries of the ledger at `ledgerUrl` are complete up to (`reading_days_state`), or
 * undefined before the first pass began.
 */
export async function daysThrough(ledgerUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: ledgerUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ through_ms: string }>(
      "SELECT through_ms FROM reading_days_state WHERE id = 'days'",
    );
    return rows[0] === undefined ? undefined : Number(rows[0].through_ms);
  } finally {
    await client.end();
  }
}

/** The instant up to which the summaries of a ledger are complete once days sealed at `now` are. */
export const summarisedUpTo = (now: number): number => now - SEAL_MS;

/**
 * A jobs process that only summarises days (its summary cron ticking every second, no settlement),
 * on `env`, until every day sealed when it started is summarised: what the jobs do day by day in
 * production, done at once for a history loaded in bulk. The process is stopped before this
 * resolves.
 */
export async function summarisePass(env: RoleEnv, meters: number): Promise<SummarisePass> {
  const started = performance.now();
  const upTo = summarisedUpTo(env.clock.now());
  const wl = await spawnRole('jobs', 'days', env, { DAY_SUMMARY_CRON: '* * * * * *' });
  try {
    await waitFor(
      'the day summaries complete',
      async () => ((await daysThrough(env.ledgerUrl)) ?? 0) >= upTo,
      { timeoutMs: 3_600_000, intervalMs: 250, process: wl.process },
    );
    return {
      seconds: (performance.now() - started) / 1000,
      rssMb: peakRssMb(wl.process.pid),
      cpuMsPerMeter: Math.round((cpuSeconds(wl.process.pid) * 10_000) / meters) / 10,
    };
  } finally {
    await wl.process.stop();
  }
}
