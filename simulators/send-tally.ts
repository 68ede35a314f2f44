import type { PlannedMessage } from './message-plan.js';
import type { Publisher } from './publisher.js';
import { readingKey, type SimReading } from './wire-format.js';

/** Running counts of what a simulation published, and the readings a receiver must store. */
export interface SendTally {
  messages: number;
  /** Valid reading objects, counting every array element and every resend. */
  readings: number;
  /** Faulty singles (expected rejections). */
  rejects: number;
  arrays: number;
  maxArray: number;
  /** Every valid reading published, by `${meterId}@${ts}`; undefined when not tracking. */
  readonly expected: Map<string, SimReading> | undefined;
}

/** An empty tally; `track` keeps the map of expected readings (it grows with the run). */
export function createSendTally(track: boolean): SendTally {
  return {
    messages: 0,
    readings: 0,
    rejects: 0,
    arrays: 0,
    maxArray: 0,
    expected: track ? new Map() : undefined,
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
      tally.messages += 1;
      tally.readings += m.readings.length;
      if (m.fault) tally.rejects += 1;
      if (m.array) {
        tally.arrays += 1;
        tally.maxArray = Math.max(tally.maxArray, m.readings.length);
      }
      if (tally.expected)
        for (const r of m.readings) tally.expected.set(readingKey(r.meterId, r.ts), r);
    }
  }
}
