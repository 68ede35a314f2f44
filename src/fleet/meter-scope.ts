import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import { canSee, notFound, visibilityOf } from './visibility.js';

export interface ScopedMeter {
  readonly id: string;
  readonly installedAt: number;
  /** The contract's IANA time zone, or UTC for a meter without a contract. */
  readonly timezone: string;
  readonly contractId: string | null;
  readonly customerId: string | null;
}

/**
 * A meter the caller may read, with its contract's time zone (one query). A customer key sees only the
 * meters of its own contracts; anything else answers 404 like a meter that does not exist.
 */
export async function meterFor(db: Kysely<LedgerDatabase>, principal: Principal, meterId: string): Promise<ScopedMeter> {
  const visibility = visibilityOf(principal);
  const row = await db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .select(['meters.id', 'meters.installed_at', 'meters.contract_id', 'contracts.timezone', 'contracts.customer_id'])
    .where('meters.id', '=', meterId)
    .executeTakeFirst();
  if (row === undefined || !canSee(visibility, row.customer_id)) throw notFound('meter', meterId);
  return { id: row.id, installedAt: Date.parse(row.installed_at), timezone: row.timezone ?? 'UTC', contractId: row.contract_id, customerId: row.customer_id };
}
