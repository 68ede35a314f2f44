import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';

/** What the retention job uses. */
export interface RetentionDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows' | 'deleteRanges'>;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Settings (config `RETENTION_MONTHS`, `BACK_BILLING_MONTHS`). */
export interface RetentionOptions {
  /**
   * Interval data of periods that ended longer ago than this is reduced to
   * days at most (default 12).
   */
  readonly retentionMonths: number;
  /**
   * Periods that ended within this may still be re-priced, so their tariff's
   * price changes keep an index.
   */
  readonly backBillingMonths: number;
}

/** What one run removed (docs/design.md §7: jobs return counts). */
export interface RetentionResult {
  /** Meters that lost readings in this run. */
  readonly meters: number;
  /** Readings removed in all. */
  readonly removed: number;
  /** Meter periods left for the next run because the store or ledger failed. */
  readonly failed: number;
  /** Readings removed per meter (only meters with removals). */
  readonly byMeter: Readonly<Record<string, number>>;
}
