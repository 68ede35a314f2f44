import type { Clock } from '../shared/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import { parseTotally, type MessageParser } from './parse-totally.js';
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
  deps.spool.append(parsed.readings, parsed.rejections);
  deps.metrics.messagesReceived.inc();
  deps.metrics.readingsReceived.inc(parsed.readings.length);
  deps.metrics.spoolDepth.set(deps.spool.depth());
  deps.onSpooled();
}
