import type { Kysely } from 'kysely';
import { periodsBetween } from '../../billing/periods/billing-periods.js';
import { storedPeriods } from '../../billing/records/periods-repo.js';
import { BACK_BILLING_CAP } from '../../billing/settlement/back-billing-cap.js';
import type { Contract } from '../../fleet/contracts.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toRfc3339 } from '../../shared/time.js';

/**
 * Why the customer owning `contracts` cannot be erased at `now`, or undefined when they can: every
 * contract must have ended, and every one of its billing periods must be settled (not open, not
 * closed, not held), with no adjustment waiting for an invoice. Until then the readings are still
 * needed to bill, and billing is a legal obligation that erasure does not override. A period held
 * for the back-billing cap is the exception: it ended before the cap and can never be invoiced (the
 * cap only moves forward), so no bill needs its readings and it does not keep the customer's data.
 */
export async function whyNotErasable(
  db: Kysely<LedgerDatabase>,
  contracts: readonly Contract[],
  now: number,
): Promise<string | undefined> {
  for (const c of contracts) {
    if (c.endsAt === null || c.endsAt > now) {
      const when = c.endsAt === null ? 'it has no end' : `it ends at ${toRfc3339(c.endsAt)}`;
      return `contract ${c.id} is still running (${when}); end it first (POST /v1/billing/close {contractId, at}) and let its last period settle`;
    }
    const stored = new Map((await storedPeriods(db, c.id)).map((p) => [p.start, p]));
    for (const p of periodsBetween(c, c.startsAt, c.endsAt)) {
      const s = stored.get(p.start);
      const span = `${toRfc3339(p.start)} – ${toRfc3339(p.end)}`;
      if (s === undefined)
        return `the billing period ${span} of contract ${c.id} is still open (not closed yet); it must be settled first`;
      if (s.status === 'held' && s.holdReason === BACK_BILLING_CAP) continue;
      if (s.status !== 'settled') {
        return `the billing period ${span} of contract ${c.id} is ${s.status}${s.holdReason === null ? '' : ` (${s.holdReason})`}; it must be settled first`;
      }
    }
  }
  const ids = contracts.map((c) => c.id);
  if (ids.length === 0) return undefined;
  const pending = await db
    .selectFrom('adjustments')
    .select(['contract_id'])
    .where('contract_id', 'in', ids)
    .where('applied_invoice_number', 'is', null)
    .executeTakeFirst();
  return pending === undefined
    ? undefined
    : `contract ${pending.contract_id} has adjustments not yet invoiced; run settlement first`;
}
