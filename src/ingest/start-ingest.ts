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
import { startLiveBindings, type LiveBindings } from './bindings/live-bindings.js';
import { parseDeviceMessage } from './bindings/parse-device-message.js';
import { parseMessage } from './payload.js';
import { isIngestTopic } from './topic.js';

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
  /** How often device bindings made by other processes are read from the ledger. */
  readonly bindingsRefreshMs: number;
}

export interface Ingest {
  /** Spool one message; returns once it is durable. Throws when it could not be made durable. */
  receive(topic: string, payload: Buffer): void;
  /** Spool a rejection the transport made (a refused publish); returns once it is durable. */
  reject(rejection: Rejection): void;
  readonly meters: MeterDirectory;
  /** The meters bound to device topics, by topic and by login. */
  readonly bindings: LiveBindings;
  /**
   * Whether a topic is ingest's: a readings topic or a bound device topic. The embedded broker hands
   * over exactly these, as an external broker delivers exactly what ingest subscribed to.
   */
  handles(topic: string): boolean;
  /** A meter was added or changed in this process: take it into account now. */
  meterChanged(meterId: string): Promise<void>;
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
export async function startIngest(deps: IngestDeps, opts: IngestOptions): Promise<Ingest> {
  const spool = openSpool(opts.spoolPath, opts.spoolSync);
  if (spool.pending() > 0)
    deps.log.info({ pending: spool.pending() }, 'replaying spooled entries from the previous run');
  deps.metrics.spoolDepth.set(spool.depth());
  const meters = createMeterDirectory(deps.db, deps.clock);
  const bindings = await startLiveBindings(deps, { refreshMs: opts.bindingsRefreshMs });
  // Readings topics carry the wattledger format; any other topic ingest hears is a device's.
  const parse = (topic: string, payload: Buffer, receivedAt: number) =>
    isIngestTopic(topic)
      ? parseMessage(topic, payload, receivedAt)
      : parseDeviceMessage(topic, payload, receivedAt, bindings.lookup(topic));
  const flusher = startFlusher(
    { ...deps, spool, meters },
    { ...opts, exclusiveWriter: opts.mqtt?.shareGroup === undefined },
  );
  const receiveDeps = {
    spool,
    clock: deps.clock,
    metrics: deps.metrics,
    onSpooled: flusher.notify,
    parse,
  };
  const receive = (topic: string, payload: Buffer) => receiveMessage(receiveDeps, topic, payload);
  const subscriber =
    opts.mqtt === undefined ? undefined : startSubscriber(opts.mqtt, receive, deps.log, bindings);
  return {
    receive,
    reject: (rejection) => receiveRejection(receiveDeps, rejection),
    meters,
    bindings,
    handles: (topic) => isIngestTopic(topic) || bindings.lookup(topic) !== undefined,
    async meterChanged(meterId) {
      meters.invalidate(meterId);
      await bindings.refresh();
      await subscriber?.settled();
    },
    brokerConnected: () => subscriber?.connected() ?? true,
    spoolDepth: () => spool.depth(),
    async stop(drainMs) {
      bindings.stop();
      await subscriber?.close();
      const left = await flusher.stop(drainMs);
      if (left > 0)
        deps.log.warn({ left }, 'spool not empty at shutdown; it is replayed at the next start');
      spool.close();
      return left;
    },
  };
}
