import net, { type AddressInfo } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';

/** A message seen by the {@link ReadingTap}, with the meter id taken from a readings topic. */
export interface TappedMessage {
  readonly meterId: string;
  readonly topic: string;
  readonly payload: string;
  /** When the tap received it, on the wall clock. */
  readonly receivedAt: number;
}

/** An aedes broker on a free loopback port. */
export interface InProcessBroker {
  readonly url: string;
  close(): Promise<void>;
}

/** A QoS 1 subscriber to `meters/+/readings` that keeps every message in arrival order. */
export interface ReadingTap {
  /** Messages so far (the array grows as messages arrive). */
  readonly messages: TappedMessage[];
  /** Hand over the messages so far and start a new list. */
  take(): TappedMessage[];
  close(): Promise<void>;
}

/**
 * Start aedes (1.x: `Aedes.createBroker()`) behind `net.createServer` on 127.0.0.1 and a free port.
 * `options` go to aedes (e.g. an `authorizePublish` that never answers, for
 * a broker that never acks).
 */
export async function startInProcessBroker(options?: AedesOptions): Promise<InProcessBroker> {
  const broker = await Aedes.createBroker(options);
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Subscribe to every meter's readings on `url` (or to `filters`, e.g. device topics: a message
 * outside `meters/+/readings` is kept with its topic for a meter id).
 */
export async function tapReadings(
  url: string,
  clientId = 'wattledger-sim-tap',
  filters: readonly string[] = ['meters/+/readings'],
): Promise<ReadingTap> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 }, false);
  let messages: TappedMessage[] = [];
  client.on('message', (topic, payload) => {
    const meterId = /^meters\/([^/]+)\/readings$/.exec(topic)?.[1] ?? topic;
    messages.push({ meterId, topic, payload: payload.toString('utf8'), receivedAt: Date.now() });
  });
  await client.subscribeAsync([...filters], { qos: 1 });
  return {
    get messages() {
      return messages;
    },
    take() {
      const got = messages;
      messages = [];
      return got;
    },
    async close() {
      await client.endAsync();
    },
  };
}
