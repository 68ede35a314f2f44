import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { CRON_ACTOR } from '../audit/audit-log.js';
import type { BillingDeps, BillingOptions } from '../billing/settlement/billing-deps.js';
import { runSettlement } from '../billing/settlement/run-settlement.js';
import { valueRecentMonths } from '../billing/revenue/value-recent-months.js';
import { runRetentionJob } from '../privacy/retention/retention-job.js';
import { summariseDays } from '../readings/days/summarise-days.js';
import type { ReadingStore } from '../readings/reading-store.js';

/**
 * Retention settings of the schedule (config `RETENTION_CRON`, `RETENTION_MONTHS`); absent: no
 * retention job.
 */
export interface RetentionSchedule {
  readonly retentionCron: string;
  readonly retentionMonths: number;
}

/** The scheduled jobs of this process. */
export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Map schedules to job functions; nothing else (docs/design.md §7). Settlement takes its leases in
 * the ledger, so every instance may run this schedule; `noOverlap` skips a tick while the previous
 * run is still going.
 */
export function startJobs(
  deps: BillingDeps & { readonly store: Pick<ReadingStore, 'windows' | 'deleteRanges'> },
  opts: BillingOptions & {
    readonly settleCron: string;
    /** When to summarise sealed days (absent or `off`: never in this process). */
    readonly daySummaryCron?: string | undefined;
  } & Partial<RetentionSchedule>,
): Jobs {
  const tasks: ScheduledTask[] = [];
  let summarising: Promise<unknown> = Promise.resolve();
  // Day summaries take a lease in the ledger, so every instance may run this schedule.
  if (opts.daySummaryCron !== undefined && opts.daySummaryCron !== 'off') {
    const holder = `${hostname()}:${process.pid}`;
    tasks.push(
      cron.schedule(
        opts.daySummaryCron,
        async () => {
          const run = summariseDays({ ...deps, holder }).catch((err: unknown) => {
            deps.log.error({ err }, 'summarising days failed; the next tick retries');
          });
          summarising = run;
          await run;
        },
        { name: 'day-summaries', noOverlap: true },
      ),
    );
  }
  // Aborted by `stop`: a settlement run and the valuing after it end between two chunks.
  const stopping = new AbortController();
  const signal = stopping.signal;
  let running: Promise<unknown> = Promise.resolve();
  let retaining: Promise<unknown> = Promise.resolve();
  // Retention deletes only what settled periods no longer need; any instance may run it (deletes
  // are idempotent).
  if (
    opts.retentionCron !== undefined &&
    opts.retentionCron !== 'off' &&
    opts.retentionMonths !== undefined
  ) {
    const retention = {
      retentionMonths: opts.retentionMonths,
      backBillingMonths: opts.backBillingMonths,
    };
    tasks.push(
      cron.schedule(
        opts.retentionCron,
        async () => {
          const run = runRetentionJob(deps, retention, { actor: CRON_ACTOR }).catch(
            (err: unknown) => {
              deps.log.error({ err }, 'scheduled retention failed; the next tick retries');
            },
          );
          retaining = run;
          await run;
        },
        { name: 'retention', noOverlap: true },
      ),
    );
  }
  if (opts.settleCron !== 'off') {
    tasks.push(
      cron.schedule(
        opts.settleCron,
        async () => {
          const run = runSettlement({ ...deps, signal }, opts, { actor: CRON_ACTOR })
            .catch((err: unknown) => {
              deps.log.error({ err }, 'scheduled settlement failed; the next tick retries');
            })
            // Then value the recent months' unsettled bills, so that the state of revenue is
            // answered from the ledger until the next tick, whatever the fleet's size.
            .then(() => valueRecentMonths({ ...deps, billing: opts, signal }))
            .catch((err: unknown) => {
              if (signal.aborted)
                deps.log.info('valuing recent months stopped: the process is shutting down');
              else
                deps.log.warn({ err }, 'valuing recent months failed; revenue is valued on demand');
            });
          running = run;
          await run;
        },
        { name: 'settlement', noOverlap: true },
      ),
    );
  }
  return {
    async stop() {
      stopping.abort();
      for (const t of tasks) await t.destroy();
      await running;
      await retaining;
      await summarising;
    },
  };
}
