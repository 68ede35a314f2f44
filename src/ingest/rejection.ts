import { randomUUID } from 'node:crypto';
import type { Reading } from '../readings/reading.js';

/**
 * Why an incoming message (or one reading in it) was not stored. The codes of docs/design.md §3,
 * plus `internal_error`: handling the message failed unexpectedly, and it is recorded rather than
 * redelivered forever. Device formats add `invalid_checksum` (a telegram whose CRC does not match),
 * `invalid_local_time` (a local time inside the hour skipped when clocks go forward) and `no_reading`
 * (a message on a bound topic that carries no register, e.g. a status or an event).
 */
export const REJECTION_REASONS = [
  'invalid_topic',
  'invalid_json',
  'invalid_schema',
  'unknown_meter',
  'future_timestamp',
  'before_installation',
  'register_decrease',
  'implausible_jump',
  'conflicting_duplicate',
  'store_rejected',
  'internal_error',
  'invalid_checksum',
  'invalid_local_time',
  'no_reading',
  'after_removal',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A rejection before it reaches the ledger: kept in the spool first so it survives a crash. */
export interface Rejection {
  readonly id: string;
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly meterId: string | null;
  readonly topic: string;
  /** Raw payload text, cut at MAX_REJECTED_PAYLOAD bytes. */
  readonly payload: string;
  /** Size of the original payload in bytes. */
  readonly payloadBytes: number;
  readonly receivedAt: number;
}

export const MAX_REJECTED_PAYLOAD = 64 * 1024;

/** Build a rejection, cutting the raw payload at 64 KiB (docs/design.md §3). */
export function makeRejection(input: {
  reason: RejectionReason;
  detail: string;
  meterId: string | null;
  topic: string;
  payload: Buffer | string;
  receivedAt: number;
}): Rejection {
  const bytes =
    typeof input.payload === 'string' ? Buffer.from(input.payload, 'utf8') : input.payload;
  const cut = bytes.subarray(0, MAX_REJECTED_PAYLOAD).toString('utf8');
  return {
    id: randomUUID(),
    reason: input.reason,
    detail: input.detail.slice(0, 2000),
    meterId: input.meterId,
    topic: input.topic.slice(0, 1024),
    payload: cut,
    payloadBytes: bytes.length,
    receivedAt: input.receivedAt,
  };
}

/**
 * A rejection of one reading judged after parsing (plausibility, store refusal): its payload is the
 * reading in wire form, its id derived from the spooled entry (`id`) so a replay files it only
 * once.
 */
export function readingRejection(
  r: Reading,
  reason: RejectionReason,
  detail: string,
  id: string,
): Rejection {
  const payload = JSON.stringify({
    ts: new Date(r.ts).toISOString(),
    importWh: r.importWh,
    exportWh: r.exportWh,
    powerW: r.powerW,
  });
  return {
    ...makeRejection({
      reason,
      detail,
      meterId: r.meterId,
      topic: `meters/${r.meterId}/readings`,
      payload,
      receivedAt: r.receivedAt,
    }),
    id,
  };
}
