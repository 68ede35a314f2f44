import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import { type Contract, getContract } from '../fleet/contracts.js';
import type { FleetDeps } from '../fleet/fleet-deps.js';
import type { Visibility } from '../fleet/visibility.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import { AppError } from '../shared/app-error.js';
import { type Consent, parseConsent } from './consent.js';

/** Who changes a consent: what they may see, their audit name (`key:<id>`) and role. */
export interface ConsentActor {
  readonly visibility: Visibility;
  readonly actor: string;
  readonly role: string;
}

/** One recorded consent change. */
export interface ConsentChange {
  readonly contractId: string;
  /** RFC 3339 (UTC, milliseconds). */
  readonly at: string;
  readonly from: Consent;
  readonly to: Consent;
  /**
   * The role of the key that changed it: `customer` (the customer themselves) or `admin` (recording
   * it for them).
   */
  readonly changedBy: string;
}

/**
 * Set the consent of contract `contractId`. A contract `who` may not see is 404, as if
 * absent. A change is written with its audit row (who, when, from, to) in one transaction; setting
 * the level the contract already has changes nothing and records nothing. The update only applies
 * when the consent is still the one read, so two concurrent changes cannot audit the same `from`.
 * A coarser level also makes the next retention run reduce the settled periods' readings to it.
 */
export async function changeConsent(
  deps: FleetDeps,
  who: ConsentActor,
  contractId: string,
  to: Consent,
): Promise<Contract> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getContract(deps.db, who.visibility, contractId);
    if (current.consent === to) return current;
    const at = deps.clock.now();
    const changed = await deps.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('contracts')
        .set({ consent: to })
        .where('id', '=', contractId)
        .where('consent', '=', current.consent)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await recordAudit(tx, at, [
        {
          actor: who.actor,
          action: 'consent_change',
          contractId,
          detail: { from: current.consent, to, role: who.role },
        },
      ]);
      return true;
    });
    if (changed) return { ...current, consent: to };
  }
  throw new AppError(
    'conflict',
    `the consent of contract ${contractId} kept changing concurrently; try again`,
  );
}

/** The consent changes of some contracts, oldest first. */
export async function consentHistory(
  db: Kysely<LedgerDatabase>,
  contractIds: readonly string[],
): Promise<ConsentChange[]> {
  if (contractIds.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .select(['contract_id', 'at', 'detail'])
    .where('action', '=', 'consent_change')
    .where('contract_id', 'in', [...contractIds])
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const d = JSON.parse(r.detail) as { from?: string; to?: string; role?: string };
    return {
      contractId: r.contract_id ?? '',
      at: r.at,
      from: parseConsent(d.from),
      to: parseConsent(d.to),
      changedBy: d.role ?? 'unknown',
    };
  });
}
