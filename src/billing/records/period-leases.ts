import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { StoredPeriodStatus } from './periods-repo.js';

/** A runner's lease on a period: far longer than pricing one chunk of periods takes. */
export const LEASE_MS = 5 * 60_000;

/**
 * Take a lease on a due period for `leaseMs`, unless another runner holds a live one. Leases only
 * save work: the settling transaction itself refuses a period that is no longer closed or held.
 */
export async function claimPeriod(
  db: Kysely<LedgerDatabase>,
  id: string,
  runner: string,
  now: number,
  leaseMs: number,
  statuses: readonly StoredPeriodStatus[] = ['closed', 'held'],
): Promise<boolean> {
  const res = await db
    .updateTable('billing_periods')
    .set({ claimed_by: runner, claimed_until: toIso(now + leaseMs) })
    .where('id', '=', id)
    .where('status', 'in', [...statuses])
    .where((eb) =>
      eb.or([
        eb('claimed_until', 'is', null),
        eb('claimed_until', '<', toIso(now)),
        eb('claimed_by', '=', runner),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Give a lease back (after a hold or a failure), so the next run may try at once. */
export async function releaseClaim(
  db: Kysely<LedgerDatabase>,
  id: string,
  runner: string,
): Promise<void> {
  await db
    .updateTable('billing_periods')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', runner)
    .execute();
}
