import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { Clock } from '../shared/clock.js';

/** What the fleet repositories that write use: the ledger, and the clock that dates their rows. */
export interface FleetDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
}
