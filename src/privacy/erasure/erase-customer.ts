import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AuditEntry, recordAudit } from '../../audit/audit-log.js';
import { listContracts } from '../../fleet/contracts.js';
import { notFound } from '../../fleet/visibility.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { ALL_TIME } from '../../readings/reading.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import { toIso } from '../../shared/time.js';
import { deleteReadings } from '../../readings/changes/delete-readings.js';
import { whyNotErasable } from './erasable.js';

/** What erasure uses. */
export interface ErasureDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'deleteRanges'>;
  readonly clock: Clock;
}

/** What an erasure did. */
export interface ErasureResult {
  readonly customerId: string;
  readonly erasedAt: number;
  /** The name the customer record carries from now on. */
  readonly pseudonym: string;
  readonly contractIds: readonly string[];
  readonly meterIds: readonly string[];
  readonly readingsRemoved: number;
  readonly rejectionsRemoved: number;
  readonly apiKeysRevoked: number;
}

/**
 * Erase a customer after their contracts ended (right to erasure): every reading of their
 * meters in the readings store (InfluxDB or embedded), the rejected messages of those meters (raw
 * readings too), their name (replaced by a random pseudonym) and e-mail (removed), and their API
 * keys (revoked, and dropped at once from this process's key caches). Invoices stay, as the law requires, and are pseudonymised by the same stroke:
 * they name the customer only by id, and that id no longer leads to a person. Audit rows record the
 * erasure. The store is cleared first and the ledger second, in one transaction: a failure in
 * between leaves the customer not erased, and a retry finishes the job.
 *
 * @throws AppError `not_found`; `conflict` (409) when already erased, when a contract still runs or
 *   a period is not settled yet; `store_unavailable` (503) when the store cannot delete.
 */
export async function eraseCustomer(
  deps: ErasureDeps,
  customerId: string,
  actor: string,
): Promise<ErasureResult> {
  const now = deps.clock.now();
  const customer = await deps.db
    .selectFrom('customers')
    .select(['id', 'erased_at'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (customer === undefined) throw notFound('customer', customerId);
  if (customer.erased_at !== null)
    throw new AppError(
      'conflict',
      `customer ${customerId} was already erased at ${customer.erased_at}`,
    );
  const contracts = await listContracts(deps.db, { all: true }, { customerId });
  const refusal = await whyNotErasable(deps.db, contracts, now);
  if (refusal !== undefined)
    throw new AppError('conflict', `customer ${customerId} cannot be erased yet: ${refusal}`);
  const contractIds = contracts.map((c) => c.id);
  const meters =
    contractIds.length === 0
      ? []
      : await deps.db
          .selectFrom('meters')
          .select(['id', 'contract_id'])
          .where('contract_id', 'in', contractIds)
          .orderBy('id')
          .execute();
  const meterIds = meters.map((m) => m.id);

  const removedByMeter = new Map<string, number>();
  for (const meterId of meterIds) {
    try {
      removedByMeter.set(meterId, await deleteReadings(deps, meterId, [ALL_TIME]));
    } catch (e) {
      throw new AppError(
        'store_unavailable',
        `the readings of meter ${meterId} could not be erased (readings store or change feed): ${(e as Error).message}; nothing was marked erased, retry`,
      );
    }
  }
  const pseudonym = `erased-${randomBytes(8).toString('hex')}`;
  const result = await deps.db.transaction().execute(async (tx) => {
    const marked = await tx
      .updateTable('customers')
      .set({ name: pseudonym, email: null, erased_at: toIso(now) })
      .where('id', '=', customerId)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1)
      throw new AppError('conflict', `customer ${customerId} was erased concurrently`);
    const revoked = await tx
      .updateTable('api_keys')
      .set({ revoked_at: toIso(now) })
      .where('customer_id', '=', customerId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    let rejectionsRemoved = 0;
    if (meterIds.length > 0) {
      rejectionsRemoved = Number(
        (await tx.deleteFrom('rejections').where('meter_id', 'in', meterIds).executeTakeFirst())
          .numDeletedRows,
      );
      // Their late readings leave the feed: settlement must not adjust for them. The `deleted` row
      // written above stays, for the readings caches.
      await tx
        .deleteFrom('reading_changes')
        .where('meter_id', 'in', meterIds)
        .where('kind', '=', 'late')
        .execute();
      await tx.deleteFrom('retention_marks').where('meter_id', 'in', meterIds).execute();
    }
    const detail = (ids: readonly string[]) => ({
      customerId,
      meters: Object.fromEntries(ids.map((id) => [id, removedByMeter.get(id) ?? 0])),
      rejectionsRemoved,
      apiKeysRevoked: Number(revoked.numUpdatedRows),
    });
    const entries: AuditEntry[] =
      contracts.length === 0
        ? [{ actor, action: 'customer_erase', detail: detail([]) }]
        : contracts.map((c) => ({
            actor,
            action: 'customer_erase',
            contractId: c.id,
            detail: detail(meters.filter((m) => m.contract_id === c.id).map((m) => m.id)),
          }));
    await recordAudit(tx, now, entries);
    return { rejectionsRemoved, apiKeysRevoked: Number(revoked.numUpdatedRows) };
  });
  const readingsRemoved = [...removedByMeter.values()].reduce((a, n) => a + n, 0);
  return {
    customerId,
    erasedAt: now,
    pseudonym,
    contractIds,
    meterIds,
    readingsRemoved,
    ...result,
  };
}
