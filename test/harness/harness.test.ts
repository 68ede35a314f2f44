import { connect, connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from './mosquitto.js';
import { canConnect, waitFor } from './process.js';
import { haveMosquitto } from './services.js';

const mqttUrl = inject('mqttUrl');
const available = mqttUrl !== '' && haveMosquitto();

describe.skipIf(!available)('test harness: mosquitto', () => {
  let broker: MosquittoHandle | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker?.dispose();
    broker = undefined;
  });

  it('the shared broker from global setup accepts clients', async () => {
    const c = await connectAsync(mqttUrl, { reconnectPeriod: 0 });
    clients.push(c);
    expect(c.connected).toBe(true);
  });

  it('keeps port, data and more than 1000 queued messages of an offline session across a restart', async () => {
    broker = await startMosquitto({ persistence: true });
    const opts = {
      clientId: 'harness-sub',
      clean: false,
      protocolVersion: 4 as const,
      reconnectPeriod: 0,
    };
    const sub = await connectAsync(broker.url, opts);
    await sub.subscribeAsync('harness/t', { qos: 1 });
    await sub.endAsync();

    const pub = await connectAsync(broker.url, { reconnectPeriod: 0 });
    // Beyond the default max_queued_messages of 1000, which would silently drop the rest.
    await Promise.all(
      Array.from({ length: 1500 }, (_, i) => pub.publishAsync('harness/t', String(i), { qos: 1 })),
    );
    await pub.endAsync();

    await broker.stop();
    expect(await canConnect(broker.port)).toBe(false);
    await broker.start();

    const received = new Set<string>();
    // Listen before connecting: the queued messages follow the CONNACK at once.
    const again = connect(broker.url, opts);
    clients.push(again);
    again.on('message', (_topic, payload) => received.add(payload.toString()));
    await waitFor('1500 queued messages', () => received.size === 1500, {
      timeoutMs: 30_000,
    }).catch((err: Error) => {
      throw new Error(`${err.message} (got ${received.size})`);
    });
  });

  it('kill() is a crash and start() brings the broker back on the same port', async () => {
    broker = await startMosquitto();
    const { port } = broker;
    await broker.kill();
    expect(await canConnect(port)).toBe(false);
    await broker.start();
    expect(broker.port).toBe(port);
    expect(await canConnect(port)).toBe(true);
  });
});
