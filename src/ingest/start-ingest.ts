import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { ReadingStore } from '../readings/reading-store.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { startFlusher, type FlusherOptions } from './flusher.js';
import { createMeterDirectory, type MeterDirectory } from './meter-directory.js';
import { startSubscriber, type SubscriberOptions } from './mqtt-subscriber.js';
import { receiveMessage, receiveRejection } from './receive.js';
import type { Rejection } from './rejection.js';
import { openSpool } from './spool.js';
import type { ReadingChange } from '../readings/changes/reading-changes.js';

export interface IngestDeps {
  readonly store: ReadingStore;
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Logger;
  /**
   * Told of what a flush changed for readings caches, once it is in the change feed (a cache in
   * this process).
   */
  readonly onReadingChanges?: ((changes: readonly ReadingChange[]) => void) | undefined;
}

export interface IngestOptions extends Omit<FlusherOptions, 'exclusiveWriter'> {
  readonly spoolPath: string;
  readonly spoolSync: 'normal' | 'full';
  /**
   * An external broker to subscribe to; without it the caller feeds `receive` (embedded broker).
   */
  readonly mqtt?: SubscriberOptions | undefined;
}

export interface Ingest {
  /** Spool one message; returns once it is durable. Throws when it could not be made durable. */
  receive(topic: string, payload: Buffer): void;
  /** Spool a rejection the transport made (a refused publish); returns once it is durable. */
  reject(rejection: Rejection): void;
  readonly meters: MeterDirectory;
  /**
   * Whether the subscriber is connected and subscribed (always true when fed by an embedded
   * broker).
   */
  brokerConnected(): boolean;
  spoolDepth(): number;
  /**
   * Stop receiving, then flush for at most `drainMs`. Resolves to what is left in the spool
   * (replayed at next start).
   */
  stop(drainMs: number): Promise<number>;
}

/**
 * Start the ingest pipeline: spool (replaying what a previous run left), flusher, and the MQTT
 * subscriber.
 */
export function startIngest(deps: IngestDeps, opts: IngestOptions): Ingest {
  const spool = openSpool(opts.spoolPath, opts.spoolSync);
  if (spool.pending() > 0)
    deps.log.info({ pending: spool.pending() }, 'replaying spooled entries from the previous run');
  deps.metrics.spoolDepth.set(spool.depth());
  const meters = createMeterDirectory(deps.db, deps.clock);
  const flusher = startFlusher(
    { ...deps, spool, meters },
    { ...opts, exclusiveWriter: opts.mqtt?.shareGroup === undefined },
  );
  const receiveDeps = {
    spool,
    clock: deps.clock,
    metrics: deps.metrics,
    onSpooled: flusher.notify,
  };
  const receive = (topic: string, payload: Buffer) => receiveMessage(receiveDeps, topic, payload);
  const subscriber =
    opts.mqtt === undefined ? undefined : startSubscriber(opts.mqtt, receive, deps.log);
  return {
    receive,
    reject: (rejection) => receiveRejection(receiveDeps, rejection),
    meters,
    brokerConnected: () => subscriber?.connected() ?? true,
    spoolDepth: () => spool.depth(),
    async stop(drainMs) {
      await subscriber?.close();
      const left = await flusher.stop(drainMs);
      if (left > 0)
        deps.log.warn({ left }, 'spool not empty at shutdown; it is replayed at the next start');
      spool.close();
      return left;
    },
  };
}
