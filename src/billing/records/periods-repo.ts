import type { Kysely, Selectable } from 'kysely';
import type { BillingPeriodTable, LedgerDatabase } from '../../ledger/schema.js';
import { newId } from '../../shared/ids.js';
import { toIso } from '../../shared/time.js';
import type { BillingPeriod } from '../periods/billing-periods.js';

/** Status of a period with a ledger row; the open period has none (docs/design.md §1). */
export type StoredPeriodStatus = BillingPeriodTable['status'];

/** A billing period that has been closed, and what became of it. */
export interface StoredPeriod extends BillingPeriod {
  readonly id: string;
  readonly contractId: string;
  readonly status: StoredPeriodStatus;
  readonly holdReason: string | null;
  readonly closedAt: number;
  readonly closedBy: string;
  readonly settledAt: number | null;
  readonly invoiceNumber: string | null;
  /** A forced settlement extrapolated an end index that no reading has confirmed yet. */
  readonly endExtrapolated: boolean;
}

const ms = (s: string | null): number | null => (s === null ? null : Date.parse(s));

function toPeriod(r: Selectable<BillingPeriodTable>): StoredPeriod {
  return {
    id: r.id,
    contractId: r.contract_id,
    start: Date.parse(r.start_at),
    end: Date.parse(r.end_at),
    status: r.status,
    holdReason: r.hold_reason,
    closedAt: Date.parse(r.closed_at),
    closedBy: r.closed_by,
    settledAt: ms(r.settled_at),
    invoiceNumber: r.invoice_number,
    endExtrapolated: r.end_extrapolated === 1,
  };
}

/** The closed, held and settled periods of a contract, oldest first. */
export async function storedPeriods(
  db: Kysely<LedgerDatabase>,
  contractId: string,
): Promise<StoredPeriod[]> {
  const rows = await db
    .selectFrom('billing_periods')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('start_at')
    .execute();
  return rows.map(toPeriod);
}

/** Stored periods by id. */
export async function periodsByIds(
  db: Kysely<LedgerDatabase>,
  ids: readonly string[],
): Promise<StoredPeriod[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('billing_periods')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toPeriod);
}

/** The stored period of `contractId` starting at `start`, if any. */
export async function storedPeriodAt(
  db: Kysely<LedgerDatabase>,
  contractId: string,
  start: number,
): Promise<StoredPeriod | undefined> {
  const row = await db
    .selectFrom('billing_periods')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('start_at', '=', toIso(start))
    .executeTakeFirst();
  return row === undefined ? undefined : toPeriod(row);
}

/** The end of the last closed period of each contract that has one. */
export async function lastClosedEnds(
  db: Kysely<LedgerDatabase>,
  contractIds?: readonly string[],
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('billing_periods')
    .select(['contract_id'])
    .select((eb) => eb.fn.max('end_at').as('last_end'))
    .groupBy('contract_id');
  if (contractIds !== undefined) {
    if (contractIds.length === 0) return new Map();
    q = q.where('contract_id', 'in', [...contractIds]);
  }
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.contract_id, Date.parse(String(r.last_end))]));
}

/** A period to close: the contract and its span. */
export interface PeriodToClose extends BillingPeriod {
  readonly contractId: string;
}

/**
 * Insert closed periods; one already closed (same contract and start) is left as it is, so concurrent
 * closers cannot duplicate a period. Answers the ids of the rows this call inserted.
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
 * Periods whose settlement is due at `now`: closed or held, ended at least `graceMs` ago, oldest end
 * first; with `contractId`, that contract's only.
 */
export async function periodsDue(
  db: Kysely<LedgerDatabase>,
  opts: { now: number; graceMs: number; contractId?: string | undefined; limit: number },
): Promise<StoredPeriod[]> {
  let q = db
    .selectFrom('billing_periods')
    .selectAll()
    .where('status', 'in', ['closed', 'held'])
    .where('end_at', '<=', toIso(opts.now - opts.graceMs));
  if (opts.contractId !== undefined) q = q.where('contract_id', '=', opts.contractId);
  const rows = await q.orderBy('end_at').orderBy('id').limit(opts.limit).execute();
  return rows.map(toPeriod);
}

/**
 * Take a lease on a due period for `leaseMs`, unless another runner holds a live one. Leases only save
 * work: the settling transaction itself refuses a period that is no longer closed or held.
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

/** Hold a period with a reason. Answers true when the status or reason changed (worth an audit row). */
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
    .where('status', 'in', ['closed', 'held'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Settled periods of a contract overlapping `[from, to)`, oldest first. */
export async function settledPeriodsBetween(
  db: Kysely<LedgerDatabase>,
  contractId: string,
  from: number,
  to: number,
): Promise<StoredPeriod[]> {
  const rows = await db
    .selectFrom('billing_periods')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('status', '=', 'settled')
    .where('start_at', '<', toIso(to))
    .where('end_at', '>', toIso(from))
    .orderBy('start_at')
    .execute();
  return rows.map(toPeriod);
}

/** Settled periods whose end index was extrapolated and not yet confirmed by a reading. */
export async function extrapolatedPeriods(
  db: Kysely<LedgerDatabase>,
  limit: number,
): Promise<StoredPeriod[]> {
  const rows = await db
    .selectFrom('billing_periods')
    .selectAll()
    .where('status', '=', 'settled')
    .where('end_extrapolated', '=', 1)
    .orderBy('end_at')
    .limit(limit)
    .execute();
  return rows.map(toPeriod);
}
