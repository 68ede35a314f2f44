import cron, { type ScheduledTask } from 'node-cron';
import { CRON_ACTOR } from '../audit/audit-log.js';
import type { BillingDeps, BillingOptions } from '../billing/settlement/billing-deps.js';
import { runSettlement } from '../billing/settlement/run-settlement.js';

/** The scheduled jobs of this process. */
export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Map schedules to job functions; nothing else (DESIGN §7). Settlement takes its leases in the ledger,
 * so every instance may run this schedule; `noOverlap` skips a tick while the previous run is still going.
 */
export function startJobs(deps: BillingDeps, opts: BillingOptions & { readonly settleCron: string }): Jobs {
  const tasks: ScheduledTask[] = [];
  let running: Promise<unknown> = Promise.resolve();
  if (opts.settleCron !== 'off') {
    tasks.push(cron.schedule(opts.settleCron, async () => {
      const run = runSettlement(deps, opts, { actor: CRON_ACTOR }).catch((err: unknown) => {
        deps.log.error({ err }, 'scheduled settlement failed; the next tick retries');
      });
      running = run;
      await run;
    }, { name: 'settlement', noOverlap: true }));
  }
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
      await running;
    },
  };
}
