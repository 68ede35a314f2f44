import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import { type Consent, parseConsent } from '../consent.js';

/**
 * A settled period retention may reduce: not extrapolated (a real end reading may still adjust it).
 */
export interface SettledPeriodRow {
  readonly id: string;
  readonly contractId: string;
  readonly start: number;
  readonly end: number;
  /**
   * Where its invoice starts: after `start` when the back-billing cap cut the invoice, which an
   * adjustment then re-prices from there.
   */
  readonly billedFrom: number;
}

/** What a meter's period was last reduced to, and when. */
export interface RetentionMark {
  readonly kept: string;
  readonly doneAt: number;
}

const markKey = (meterId: string, periodId: string) => `${meterId}\u0000${periodId}`;

/** A page of contract ids after `after`, by id, with their consent. */
export async function contractPage(
  db: Kysely<LedgerDatabase>,
  after: string,
  limit: number,
): Promise<{ id: string; consent: Consent }[]> {
  const rows = await db
    .selectFrom('contracts')
    .select(['id', 'consent'])
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, consent: parseConsent(r.consent) }));
}

/**
 * Settled, not extrapolated periods of some contracts that ended at or before `endedBy`, oldest
 * first, with where their invoices start.
 */
export async function settledPeriodsOf(
  db: Kysely<LedgerDatabase>,
  contractIds: readonly string[],
  endedBy: number,
): Promise<SettledPeriodRow[]> {
  if (contractIds.length === 0) return [];
  const rows = await db
    .selectFrom('billing_periods as p')
    .leftJoin('invoices as i', 'i.number', 'p.invoice_number')
    .select(['p.id', 'p.contract_id', 'p.start_at', 'p.end_at', 'i.period_start'])
    .where('p.contract_id', 'in', [...contractIds])
    .where('p.status', '=', 'settled')
    .where('p.end_extrapolated', '=', 0)
    .where('p.end_at', '<=', toIso(endedBy))
    .orderBy('p.start_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    contractId: r.contract_id,
    start: Date.parse(r.start_at),
    end: Date.parse(r.end_at),
    billedFrom: Date.parse(r.period_start ?? r.start_at),
  }));
}

/** The retention marks of some meters, by `markKey`. */
export async function marksOf(
  db: Kysely<LedgerDatabase>,
  meterIds: readonly string[],
): Promise<(meterId: string, periodId: string) => RetentionMark | undefined> {
  const marks = new Map<string, RetentionMark>();
  for (let i = 0; i < meterIds.length; i += 500) {
    const rows = await db
      .selectFrom('retention_marks')
      .selectAll()
      .where('meter_id', 'in', meterIds.slice(i, i + 500))
      .execute();
    for (const r of rows)
      marks.set(markKey(r.meter_id, r.period_id), { kept: r.kept, doneAt: Date.parse(r.done_at) });
  }
  return (meterId, periodId) => marks.get(markKey(meterId, periodId));
}

/**
 * A test for "a reading of this meter inside `[from, to]` was stored after `since`": late readings
 * (the `late` rows ingest records in the readings change feed) can land in a period retention has
 * already reduced. Every such row still in the feed counts: the feed keeps those retention's cursor
 * has not passed (`runRetentionJob`).
 */
export async function lateArrivalsOf(
  db: Kysely<LedgerDatabase>,
  meterIds: readonly string[],
): Promise<(meterId: string, from: number, to: number, since: number) => boolean> {
  const spans = new Map<string, { from: number; to: number; at: number }[]>();
  for (let i = 0; i < meterIds.length; i += 500) {
    const rows = await db
      .selectFrom('reading_changes')
      .select(['meter_id', 'from_ms', 'to_ms', 'recorded_at'])
      .where('kind', '=', 'late')
      .where('meter_id', 'in', meterIds.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const list = spans.get(r.meter_id) ?? [];
      list.push({
        from: Number(r.from_ms),
        to: Number(r.to_ms),
        at: Date.parse(r.recorded_at),
      });
      spans.set(r.meter_id, list);
    }
  }
  return (meterId, from, to, since) =>
    (spans.get(meterId) ?? []).some((s) => s.at >= since && s.from <= to && s.to >= from);
}

/** Record what a meter's period was reduced to (insert or replace). */
export async function saveMark(
  db: Kysely<LedgerDatabase>,
  meterId: string,
  periodId: string,
  kept: string,
  at: number,
): Promise<void> {
  await db
    .insertInto('retention_marks')
    .values({ meter_id: meterId, period_id: periodId, kept, done_at: toIso(at) })
    .onConflict((oc) =>
      oc.columns(['meter_id', 'period_id']).doUpdateSet({ kept, done_at: toIso(at) }),
    )
    .execute();
}
