import type { Reading } from '../readings/reading.js';
import type { Clock } from '../shared/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import { parseTotally, type MessageParser } from './parse-totally.js';
import type { Rejection } from './rejection.js';
import type { Spool } from './spool.js';

export interface ReceiveDeps {
  readonly spool: Spool;
  readonly clock: Clock;
  readonly metrics: Metrics;
  /** Called after each append, to wake the flusher. */
  readonly onSpooled: () => void;
  /** The payload parser; `parseMessage` unless a test needs one that fails. */
  readonly parse?: MessageParser;
}

/**
 * The one entry point of every MQTT transport: parse a message and append its readings and
 * rejections to the durable spool. Synchronous and local, so the caller can PUBACK as soon as it
 * returns; throws only when the spool itself cannot write (then the message must not be
 * acknowledged). Any other failure becomes a rejection, so no message is redelivered forever.
 */
export function receiveMessage(deps: ReceiveDeps, topic: string, payload: Buffer): void {
  const parsed = parseTotally(topic, payload, deps.clock.now(), deps.parse);
  deps.metrics.messagesReceived.inc();
  deps.metrics.readingsReceived.inc(parsed.readings.length);
  spool(deps, parsed.readings, parsed.rejections);
}

/**
 * Append a rejection the transport made itself (a publish the broker's ACL refused) to the spool,
 * so it is filed, counted and deduplicated like every other rejection. Throws only when the spool
 * cannot write.
 */
export function receiveRejection(deps: ReceiveDeps, rejection: Rejection): void {
  deps.metrics.messagesReceived.inc();
  spool(deps, [], [rejection]);
}

function spool(
  deps: ReceiveDeps,
  readings: readonly Reading[],
  rejections: readonly Rejection[],
): void {
  deps.spool.append(readings, rejections);
  deps.metrics.spoolDepth.set(deps.spool.depth());
  deps.onSpooled();
}
