import { recordAudit } from '../../audit/audit-log.js';
import { toRfc3339 } from '../../shared/time.js';
import { claimPeriod, LEASE_MS, releaseClaim } from '../records/period-leases.js';
import type { StoredPeriod } from '../records/periods-repo.js';
import { holdPeriod } from '../records/period-transitions.js';
import { BACK_BILLING_CAP } from './back-billing-cap.js';
import type { BillingDeps, BillingOptions } from './billing-deps.js';

/**
 * Hold a due period that ended at or before the back-billing cap, for good (docs/design.md §8
 * Settlement): it is never invoiced, whatever `force` says, because billing consumption that old
 * is what the cap forbids. Status, reason and audit row change in one transaction, and only the
 * runner whose update changed the row answers true, so the run that holds it counts it in
 * `notBilled` exactly once. A period already held for the cap is left untouched: nothing is read
 * or written for it again.
 */
export async function holdBeyondCap(
  deps: BillingDeps,
  opts: BillingOptions,
  input: { period: StoredPeriod; capStart: number; actor: string; now: number },
): Promise<boolean> {
  const { period: p, capStart, actor, now } = input;
  if (p.status === 'held' && p.holdReason === BACK_BILLING_CAP) return false;
  if (!(await claimPeriod(deps.db, p.id, opts.runnerId, now, LEASE_MS))) return false;
  try {
    return await deps.db.transaction().execute(async (tx) => {
      if (!(await holdPeriod(tx, p, BACK_BILLING_CAP, now))) return false;
      await recordAudit(tx, now, [
        {
          actor,
          action: 'hold',
          contractId: p.contractId,
          periodId: p.id,
          detail: {
            reason: BACK_BILLING_CAP,
            end: toRfc3339(p.end),
            capStart: toRfc3339(capStart),
            backBillingMonths: opts.backBillingMonths,
          },
        },
      ]);
      return true;
    });
  } finally {
    await releaseClaim(deps.db, p.id, opts.runnerId).catch(() => undefined);
  }
}
