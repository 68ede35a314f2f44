import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Reading } from '../../readings/reading.js';
import { spansByMeter, type ReadingSpan } from '../../readings/reading-spans.js';
import { toIso } from '../../shared/time.js';

/** A reading stored this long after its meter time may touch a period that is already settled. */
export const LATE_AFTER_MS = 60 * 60_000;

/** A late stretch of one meter's readings. */
export interface LateArrival {
  readonly id: number;
  readonly meterId: string;
  readonly from: number;
  readonly to: number;
  readonly readings: number;
}

/** A meter's readings of one stored batch that arrived late: their meter-time span and count. */
export type LateSpan = ReadingSpan;

/** Per meter, the span of the readings whose meter time lies more than `LATE_AFTER_MS` before `storedAt`. */
export const lateSpans = (stored: readonly Reading[], storedAt: number): LateSpan[] =>
  spansByMeter(stored, (r) => r.ts <= storedAt - LATE_AFTER_MS);

/**
 * Record the late spans (`lateSpans`) of a just-stored batch: the next settlement run recomputes the
 * settled periods they touch. Called after the store write and before the spool lets go of the batch:
 * should the flush fail in between, its retry finds the readings stored, as duplicates, and the flusher
 * passes those too, so they are recorded again rather than never. Answers the spans it recorded.
 */
export async function recordLateArrivals(
  db: Kysely<LedgerDatabase>,
  stored: readonly Reading[],
  storedAt: number,
): Promise<LateSpan[]> {
  const spans = lateSpans(stored, storedAt);
  const rows = spans.map((s) => ({
    meter_id: s.meterId,
    from_ts: toIso(s.from),
    to_ts: toIso(s.to),
    readings: s.readings,
    received_at: toIso(storedAt),
    processed_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('late_arrivals')
      .values(rows.slice(i, i + 500))
      .execute();
  return spans;
}

/** Unprocessed late arrivals, oldest first. */
export async function pendingLateArrivals(
  db: Kysely<LedgerDatabase>,
  limit: number,
): Promise<LateArrival[]> {
  const rows = await db
    .selectFrom('late_arrivals')
    .selectAll()
    .where('processed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    meterId: r.meter_id,
    from: Date.parse(r.from_ts),
    to: Date.parse(r.to_ts),
    readings: r.readings,
  }));
}

/** Mark late arrivals processed. */
export async function markLateArrivalsProcessed(
  db: Kysely<LedgerDatabase>,
  ids: readonly number[],
  at: number,
): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('late_arrivals')
      .set({ processed_at: toIso(at) })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}
