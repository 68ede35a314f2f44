import type { RejectionReason } from '../../ingest/rejection.js';
import type { FormatRejection } from '../device-format.js';

/**
 * A step of reading a message: its value, or the rejection that ends the message. One shape for
 * every format's steps, so that a step's rejection passes up unchanged to `parse`.
 */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | ({ readonly ok: false } & FormatRejection);

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = (reason: RejectionReason, detail: string): Parsed<never> => ({
  ok: false,
  reason,
  detail,
});
