import type { ExpectedReason } from './injected-faults.js';
import { QUIRK_KINDS, type QuirkKind } from './formats/device-message.js';
import type { PlannedMessage } from './message-plan.js';
import type { Publisher } from './publisher.js';
import { readingKey, type ExpectedReading } from './wire-format.js';

/** A device message that carries no reading, which the receiver must reject. */
export interface QuirkRejection {
  readonly kind: QuirkKind;
  readonly meterId: string;
  readonly topic: string;
  readonly payload: string;
  readonly expectedReason: ExpectedReason;
}

/** Running counts of what a simulation published, and the readings a receiver must store. */
export interface SendTally {
  messages: number;
  /** Valid reading objects, counting every array element and every resend. */
  readings: number;
  /** Messages the receiver must reject: faulty singles and device messages without a reading. */
  rejects: number;
  arrays: number;
  maxArray: number;
  /** Readings sent without a time the format trusts (stored at receipt). */
  atReceipt: number;
  /** Device quirks shown, by kind. */
  readonly quirks: Record<QuirkKind, number>;
  /** Every valid reading published, by `${meterId}@${ts}`; undefined when not tracking. */
  readonly expected: Map<string, ExpectedReading> | undefined;
  /** Every reading published to be stored at its time of receipt, in order; when tracking. */
  readonly expectedAtReceipt: ExpectedReading[] | undefined;
  /** Every device message published that the receiver must reject; when tracking. */
  readonly quirkRejections: QuirkRejection[] | undefined;
}

/** An empty tally; `track` keeps the map of expected readings (it grows with the run). */
export function createSendTally(track: boolean): SendTally {
  return {
    messages: 0,
    readings: 0,
    rejects: 0,
    arrays: 0,
    maxArray: 0,
    atReceipt: 0,
    quirks: Object.fromEntries(QUIRK_KINDS.map((k) => [k, 0])) as Record<QuirkKind, number>,
    expected: track ? new Map() : undefined,
    expectedAtReceipt: track ? [] : undefined,
    quirkRejections: track ? [] : undefined,
  };
}

/**
 * Publish planned messages in order and count them once handed to the client. Lazy over
 * `batches`, so a generator can produce a big backlog meter by meter.
 */
export async function publishPlanned(
  pub: Publisher,
  batches: Iterable<PlannedMessage[]>,
  tally: SendTally,
  signal?: AbortSignal,
): Promise<void> {
  for (const batch of batches) {
    for (const m of batch) {
      await pub.publish(m.topic, m.payload, signal);
      count(tally, m);
    }
  }
}

function count(tally: SendTally, m: PlannedMessage): void {
  const atReceipt = m.atReceipt ?? [];
  tally.messages += 1;
  tally.readings += m.readings.length + atReceipt.length;
  tally.atReceipt += atReceipt.length;
  if (m.fault) tally.rejects += 1;
  if (m.array) {
    tally.arrays += 1;
    tally.maxArray = Math.max(tally.maxArray, m.readings.length);
  }
  if (m.quirk !== undefined) {
    tally.quirks[m.quirk.kind] += 1;
    const reason = m.quirk.expectedReason;
    if (reason !== undefined) {
      tally.rejects += 1;
      tally.quirkRejections?.push({
        kind: m.quirk.kind,
        meterId: m.meterId,
        topic: m.topic,
        payload: m.payload,
        expectedReason: reason,
      });
    }
  }
  if (tally.expected)
    for (const r of m.readings) tally.expected.set(readingKey(r.meterId, r.ts), r);
  tally.expectedAtReceipt?.push(...atReceipt);
}
