import type { Clock } from '../shared/clock.js';
import type { Metrics } from '../metrics/metrics.js';
import { parseMessage } from './payload.js';
import type { Spool } from './spool.js';

export interface ReceiveDeps {
  readonly spool: Spool;
  readonly clock: Clock;
  readonly metrics: Metrics;
  /** Called after each append, to wake the flusher. */
  readonly onSpooled: () => void;
}

/**
 * The one entry point of every MQTT transport: parse a message and append its readings and
 * rejections to the durable spool. Synchronous and local, so the caller can PUBACK as soon as it
 * returns; throws only when the spool itself cannot write (then the message must not be
 * acknowledged).
 */
export function receiveMessage(deps: ReceiveDeps, topic: string, payload: Buffer): void {
  const parsed = parseMessage(topic, payload, deps.clock.now());
  deps.spool.append(parsed.readings, parsed.rejections);
  deps.metrics.messagesReceived.inc();
  deps.metrics.readingsReceived.inc(parsed.readings.length);
  deps.metrics.spoolDepth.set(deps.spool.depth());
  deps.onSpooled();
}

/** The subscription filter: every meter's readings, optionally shared among ingest processes. */
export function readingsFilter(shareGroup?: string): string {
  return shareGroup === undefined ? 'meters/+/readings' : `$share/${shareGroup}/meters/+/readings`;
}
