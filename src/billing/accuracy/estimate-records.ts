import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { BillView } from '../bill-status.js';

/** Who was shown an estimate: the customer, or staff (staff and admin keys). */
export type EstimateViewer = 'customer' | 'staff';

/** One estimate as the bill route showed it (docs/estimates.md). */
export interface EstimateRecord {
  readonly contractId: string;
  /** Local date YYYY-MM-DD in the contract's zone. */
  readonly day: string;
  readonly shownAt: number;
  readonly viewer: EstimateViewer;
  readonly period: { readonly start: number; readonly end: number };
  readonly asOf: string | null;
  readonly method: string;
  readonly projection: string | null;
  readonly currency: string;
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}

/**
 * Record that `bill` (an estimate) was shown to `viewer` at `at`, unless the last estimate shown
 * to that kind of viewer on the same local day had the same figures (range, as-of, method): the
 * daily record holds every distinct estimate shown, in order, and a bill polled every minute adds
 * a row only when its figures move. Bills that are no estimates are not recorded: their figures
 * are measured or invoiced, and stay reproducible.
 */
export async function recordShownEstimate(
  db: Kysely<LedgerDatabase>,
  bill: BillView,
  tz: string,
  viewer: EstimateViewer,
  at: number,
): Promise<void> {
  if (bill.status !== 'estimated' || bill.estimate === undefined) return;
  const day = DateTime.fromMillis(at, { zone: tz }).toISODate() ?? '';
  const row = {
    contract_id: bill.contractId,
    day,
    viewer,
    period_start: toIso(bill.period.start),
    period_end: toIso(bill.period.end),
    as_of: bill.basis.asOf,
    method: bill.basis.method,
    projection: bill.basis.projection ?? null,
    currency: bill.currency,
    p10: bill.estimate.p10,
    p50: bill.estimate.p50,
    p90: bill.estimate.p90,
  };
  const last = await db
    .selectFrom('estimate_records')
    .select(['period_start', 'as_of', 'method', 'p10', 'p50', 'p90'])
    .where('contract_id', '=', row.contract_id)
    .where('day', '=', day)
    .where('viewer', '=', viewer)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (
    last !== undefined &&
    last.period_start === row.period_start &&
    last.as_of === row.as_of &&
    last.method === row.method &&
    last.p10 === row.p10 &&
    last.p50 === row.p50 &&
    last.p90 === row.p90
  )
    return;
  await db
    .insertInto('estimate_records')
    .values({ ...row, shown_at: toIso(at) })
    .execute();
}

/** The estimates shown for a contract on local days `from`..`to` (YYYY-MM-DD), oldest first. */
export async function shownEstimates(
  db: Kysely<LedgerDatabase>,
  contractId: string,
  from: string,
  to: string,
): Promise<EstimateRecord[]> {
  const rows = await db
    .selectFrom('estimate_records')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    contractId: r.contract_id,
    day: r.day,
    shownAt: Date.parse(r.shown_at),
    viewer: r.viewer,
    period: { start: Date.parse(r.period_start), end: Date.parse(r.period_end) },
    asOf: r.as_of,
    method: r.method,
    projection: r.projection,
    currency: r.currency,
    p10: r.p10,
    p50: r.p50,
    p90: r.p90,
  }));
}
