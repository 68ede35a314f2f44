import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { newId } from '../../shared/ids.js';
import { toIso } from '../../shared/time.js';
import type { BillingPeriod } from '../periods/billing-periods.js';
import type { StoredPeriod } from './periods-repo.js';

/** A period to close: the contract and its span. */
export interface PeriodToClose extends BillingPeriod {
  readonly contractId: string;
}

/**
 * Insert closed periods; one already closed (same contract and start) is left as it is, so
 * concurrent closers cannot duplicate a period. Answers the ids of the rows this call inserted.
 */
export async function insertClosedPeriods(
  db: Kysely<LedgerDatabase>,
  periods: readonly PeriodToClose[],
  at: number,
  actor: string,
): Promise<{ id: string; period: PeriodToClose }[]> {
  const inserted: { id: string; period: PeriodToClose }[] = [];
  for (const p of periods) {
    const id = newId('per');
    const res = await db
      .insertInto('billing_periods')
      .values({
        id,
        contract_id: p.contractId,
        start_at: toIso(p.start),
        end_at: toIso(p.end),
        status: 'closed',
        hold_reason: null,
        closed_at: toIso(at),
        closed_by: actor,
        settled_at: null,
        invoice_number: null,
        claimed_by: null,
        claimed_until: null,
        updated_at: toIso(at),
      })
      .onConflict((oc) => oc.columns(['contract_id', 'start_at']).doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) inserted.push({ id, period: p });
  }
  return inserted;
}

/**
 * Hold a period with a reason. Answers true when the status or reason changed (worth an audit row):
 * the update itself checks the row, so of two runners holding a period for the same reason from
 * the same stale read, only one answers true.
 */
export async function holdPeriod(
  db: Kysely<LedgerDatabase>,
  p: StoredPeriod,
  reason: string,
  now: number,
): Promise<boolean> {
  if (p.status === 'held' && p.holdReason === reason) return false;
  const res = await db
    .updateTable('billing_periods')
    .set({ status: 'held', hold_reason: reason, updated_at: toIso(now) })
    .where('id', '=', p.id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'closed'),
        eb.and([
          eb('status', '=', 'held'),
          eb.or([eb('hold_reason', 'is', null), eb('hold_reason', '!=', reason)]),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
