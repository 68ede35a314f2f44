import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import { toIso } from '../shared/time.js';
import type { Clock } from '../shared/clock.js';
import type { Reading } from '../readings/reading.js';
import type { Rejection, RejectionReason } from './rejection.js';

/**
 * PostgreSQL text cannot hold U+0000 (the insert fails, and the batch would stay in the spool
 * forever), yet binary garbage is exactly what gets rejected. Both dialects store U+FFFD instead,
 * so they agree.
 */
const storable = (s: string): string => s.replaceAll('\u0000', '\uFFFD');

/**
 * Store rejections in the ledger. Idempotent by id, so a replayed spool batch cannot duplicate
 * them.
 */
export async function insertRejections(
  db: Kysely<LedgerDatabase>,
  clock: Clock,
  rejections: readonly Rejection[],
): Promise<void> {
  const createdAt = toIso(clock.now());
  for (let i = 0; i < rejections.length; i += 500) {
    const rows = rejections.slice(i, i + 500).map((r) => ({
      id: r.id,
      reason: r.reason,
      detail: storable(r.detail),
      meter_id: r.meterId,
      topic: storable(r.topic),
      payload: storable(r.payload),
      payload_bytes: r.payloadBytes,
      received_at: toIso(r.receivedAt),
      created_at: createdAt,
    }));
    await db
      .insertInto('rejections')
      .values(rows)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

export interface RejectionPage {
  readonly items: (Rejection & { readonly seq: number })[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  readonly nextCursor?: number;
}

/** Rejections newest first, paginated by a `seq` cursor, optionally for one meter or reason. */
export async function listRejections(
  db: Kysely<LedgerDatabase>,
  opts: { limit: number; before?: number; meterId?: string; reason?: RejectionReason },
): Promise<RejectionPage> {
  let q = db
    .selectFrom('rejections')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(opts.limit + 1);
  if (opts.before !== undefined) q = q.where('seq', '<', opts.before);
  if (opts.meterId !== undefined) q = q.where('meter_id', '=', opts.meterId);
  if (opts.reason !== undefined) q = q.where('reason', '=', opts.reason);
  const rows = await q.execute();
  const items = rows.slice(0, opts.limit).map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    reason: r.reason as RejectionReason,
    detail: r.detail,
    meterId: r.meter_id,
    topic: r.topic,
    payload: r.payload,
    payloadBytes: Number(r.payload_bytes),
    receivedAt: Date.parse(r.received_at),
  }));
  return rows.length > opts.limit ? { items, nextCursor: items.at(-1)?.seq } : { items };
}

/**
 * The id of a rejection made after the spool (plausibility, store refusals): a hash of the spool it
 * came from and the reading as received, so that judging the same spooled reading again after a
 * crash cannot file a second rejection. Two byte-identical readings received in the same
 * millisecond share one row.
 */
export function rejectionIdOf(spoolId: string, r: Reading): string {
  return createHash('sha1')
    .update(
      `${spoolId}|${r.meterId}|${r.ts}|${r.receivedAt}|${r.importWh}|${r.exportWh ?? ''}|${r.powerW ?? ''}`,
    )
    .digest('hex');
}
