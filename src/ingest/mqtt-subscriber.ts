import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger.js';
import type { MqttTls } from './mqtt-tls.js';
import { ingestFilters } from './topic.js';

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
  let corked = false;
  client.handleMessage = (packet, callback) => {
    // mqtt.js writes each PUBACK on its own; corking until the packets of this socket read are
    // handled sends them in one write, which saves a system call per message under load.
    if (!corked) {
      corked = true;
      client.stream.cork();
      setImmediate(() => {
        corked = false;
        client.stream.uncork();
      });
    }
    try {
      onMessage(
        packet.topic,
        typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload,
      );
      callback();
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
  client.on('connect', (connack) => {
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
    close: () => client.endAsync(),
  };
}
