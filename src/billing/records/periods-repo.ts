import type { Kysely, Selectable } from 'kysely';
import type { BillingPeriodTable, LedgerDatabase } from '../../ledger/schema.js';
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

/**
 * Periods whose settlement is due at `now`: closed or held, ended at least `graceMs` ago, oldest
 * end first; with `contractId`, that contract's only.
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
