import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';

/** What billing operations use: the ledger, the readings store, the clock and a logger. */
export interface BillingDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows'>;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Ends a settlement run between two chunks of periods (a process shutting down): the periods
   * settled stand, the claims on the others are released for the next run.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Settlement settings (config `SETTLE_*`, `GRACE_HOURS`, `BACK_BILLING_MONTHS`). */
export interface BillingOptions {
  /**
   * Time after a period's end during which late readings are awaited (docs/design.md §1;
   * default 72 h).
   */
  readonly graceMs: number;
  /**
   * Consumption older than this many calendar months at settlement time is never billed, neither
   * on a first invoice nor as an adjustment, only reported (default 14).
   */
  readonly backBillingMonths: number;
  /** This process's name in period leases, unique per running instance. */
  readonly runnerId: string;
}

/** What one settlement run did (docs/design.md §7: jobs return counts). */
export interface SettlementResult {
  /** Periods closed by this run. */
  readonly closed: number;
  /** Periods settled into invoices. */
  readonly settled: number;
  /**
   * Periods held (newly or still) for a reason staff can act on: no reading after their end, or no
   * rate in force. A period held beyond the back-billing cap is counted in `notBilled` instead.
   */
  readonly held: number;
  /** Periods that failed for a transient reason (store or ledger down) and will be retried. */
  readonly failed: number;
  /** Adjustments recorded for settled periods that late readings changed. */
  readonly adjusted: number;
  /**
   * What the back-billing cap kept off invoices in this run: settled periods changed by late
   * readings that ended before the cap (reported, not billed), and periods never invoiced that
   * this run held for good because they ended at or before the cap (each counted once, by the run
   * that holds it).
   */
  readonly notBilled: number;
}

/** The defaults of docs/design.md §5: 72 h grace, 14 months of back-billing. */
export const DEFAULT_BILLING_OPTIONS: BillingOptions = {
  graceMs: 72 * 3_600_000,
  backBillingMonths: 14,
  runnerId: `runner-${process.pid}`,
};
