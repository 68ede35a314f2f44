import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger.js';
import type { MqttTls } from './mqtt-tls.js';
import { ingestFilters } from './topic.js';
import type { LiveBindings, TopicChanges } from './bindings/live-bindings.js';

/** Filters per SUBSCRIBE packet when subscribing to many device topics: a few hundred KB at most. */
const FILTERS_PER_PACKET = 500;

/**
 * PUBACKs held in the corked socket before it is written, at most. Uncorking only once the event
 * loop turns (setImmediate) was not enough under a burst: in bench:ingest a heap snapshot of the
 * ingest process found about 180,000 PUBACKs (550,000 small buffers, some 30 MB of JS heap) queued
 * in the corked socket, and its peak RSS was about 40 MB higher than with this bound. A hundred
 * keeps the saving (one write for many PUBACKs).
 */
export const PUBACKS_PER_WRITE = 100;

export interface SubscriberOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly protocolVersion: 4 | 5;
  readonly sessionExpirySeconds: number;
  readonly shareGroup?: string | undefined;
  /**
   * For `mqtts://` / `wss://`: PEM of a private CA to trust, and a client certificate and key (see
   * mqtt-tls.ts).
   */
  readonly tls?: MqttTls | undefined;
}

export interface Subscriber {
  readonly client: MqttClient;
  /** Connected and subscribed. */
  connected(): boolean;
  /** Resolves once every device topic subscription asked for so far has been answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Subscribe to meter readings with a persistent session, acknowledging each message only after
 * `onMessage` has returned, i.e. after the durable local append (docs/design.md §3: mqtt.js sends
 * the PUBACK when handleMessage calls back). The broker keeps the session's queue while this
 * process is down and redelivers what was not acked.
 */
export function startSubscriber(
  opts: SubscriberOptions,
  onMessage: (topic: string, payload: Buffer) => void,
  log: Logger,
  bindings?: Pick<LiveBindings, 'topics' | 'onTopicsChanged'>,
): Subscriber {
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: opts.protocolVersion,
    keepalive: 30,
    reconnectPeriod: 1000,
    resubscribe: true,
    username: opts.username,
    password: opts.password,
    ...opts.tls,
    ...(opts.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: opts.sessionExpirySeconds } }
      : {}),
  };
  const client = mqtt.connect(opts.url, options);
  // Messages whose PUBACKs are held in the corked socket; 0 when it is not corked.
  let held = 0;
  const uncork = () => {
    if (held === 0) return;
    held = 0;
    client.stream.uncork();
  };
  client.handleMessage = (packet, callback) => {
    // mqtt.js writes each PUBACK on its own; corking until the packets of this socket read are
    // handled, or PUBACKS_PER_WRITE of them, sends them in one write, which saves a system call
    // per message under load.
    if (held === 0) {
      client.stream.cork();
      setImmediate(uncork);
    }
    held += 1;
    try {
      onMessage(
        packet.topic,
        typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
      );
      callback();
      if (held >= PUBACKS_PER_WRITE) uncork();
    } catch (e) {
      // No PUBACK: drop the connection so the broker redelivers this message from the kept session.
      log.error(
        { err: e, topic: packet.topic },
        'spool append failed; reconnecting without acknowledging',
      );
      callback(e as Error);
      client.stream.destroy();
    }
  };
  const [filter, belowFilter] = ingestFilters(opts.shareGroup);
  // Ready means receiving: connected with the subscription in place (kept in the session, or
  // granted anew). A shared-subscription member that is connected but not yet subscribed gets no
  // share of the load. The filter below the readings topic only turns mistakes into rejections, so
  // readiness does not wait for it; a kept session may predate it, so it is always asked for.
  let subscribed = false;
  const subscribeBelow = () =>
    client.subscribe(belowFilter, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128))
        log.warn({ err, filter: belowFilter }, 'subscribe refused; such topics go unrecorded');
    });
  // Device topics: each bound topic is a filter of its own (shared like the readings filter), asked
  // for at every connect (a kept session may predate a binding; subscribing again is harmless) and
  // whenever bindings change. MQTT 5 is asked not to send retained messages on subscribing: a
  // retained message without a device time would be read as a reading taken now.
  const share = (t: string) =>
    opts.shareGroup === undefined ? t : `$share/${opts.shareGroup}/${t}`;
  const deviceOptions = {
    qos: 1 as const,
    ...(opts.protocolVersion === 5 ? { rh: 2 as const } : {}),
  };
  let pending: Promise<unknown> = Promise.resolve();
  const inPackets = (topics: readonly string[], send: (chunk: string[]) => Promise<unknown>) => {
    for (let i = 0; i < topics.length; i += FILTERS_PER_PACKET) {
      const chunk = topics.slice(i, i + FILTERS_PER_PACKET).map(share);
      pending = Promise.all([pending, send(chunk)]);
    }
  };
  const subscribeDevices = (topics: readonly string[]) =>
    inPackets(topics, (chunk) =>
      client.subscribeAsync(chunk, deviceOptions).then(
        (granted) => {
          const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
          if (refused.length > 0)
            log.error(
              { refused },
              'device topic subscriptions refused; their readings are not received',
            );
        },
        (err: unknown) =>
          log.warn({ err }, 'device topic subscription failed; retried at reconnect'),
      ),
    );
  const unsubscribeDevices = (topics: readonly string[]) =>
    inPackets(topics, (chunk) =>
      client
        .unsubscribeAsync(chunk)
        .catch((err: unknown) => log.warn({ err }, 'device topic unsubscription failed')),
    );
  bindings?.onTopicsChanged((changes: TopicChanges) => {
    if (!client.connected) return;
    if (changes.added.length > 0) subscribeDevices(changes.added);
    if (changes.removed.length > 0) unsubscribeDevices(changes.removed);
  });
  client.on('connect', (connack) => {
    if (bindings !== undefined) subscribeDevices([...bindings.topics()]);
    log.info(
      { url: opts.url, clientId: opts.clientId, sessionPresent: connack.sessionPresent },
      'ingest connected to broker',
    );
    subscribed = connack.sessionPresent === true;
    if (!connack.sessionPresent) {
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) log.error({ err, filter }, 'subscribe failed');
        else subscribed = true;
      });
    }
    subscribeBelow();
  });
  client.on('error', (err) => log.warn({ err }, 'mqtt error'));
  client.on('offline', () => log.warn('ingest disconnected from broker; reconnecting'));
  return {
    client,
    connected: () => client.connected && subscribed,
    settled: async () => {
      await pending;
    },
    close: () => client.endAsync(),
  };
}
