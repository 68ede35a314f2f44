import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerAuthFiles, limitsConf } from '../../src/broker/mosquitto-auth.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { haveMosquitto } from '../harness/services.js';
import { tempDir } from '../support/instance.js';
import { meterLogin, TEST_METER_SECRET } from '../support/publisher.js';

const INGEST = { username: 'acl-ingest', password: 'ingest-password-123' };
const LIMIT = 64 * 1024;

describe.skipIf(!haveMosquitto())('the generated Mosquitto files (real Mosquitto)', () => {
  const tmp = tempDir('wl-mosq-acl-');
  const clients: MqttClient[] = [];
  let broker: MosquittoHandle;
  const connect = async (opts: IClientOptions) => {
    const c = await mqtt.connectAsync(broker.url, {
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...opts,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const files = brokerAuthFiles({
      meterIds: ['mq-1', 'mq-2'],
      meterSecret: TEST_METER_SECRET,
      ingest: INGEST,
    });
    const dir = path.join(tmp.dir, 'auth');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'passwd'), files.passwordFile);
    writeFileSync(path.join(dir, 'acl'), files.aclFile);
    broker = await startMosquitto({
      auth: { passwordFile: path.join(dir, 'passwd'), aclFile: path.join(dir, 'acl') },
      extraConfig: limitsConf(LIMIT),
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.dispose();
    tmp.cleanup();
  });

  it('lets a meter read its own tree only: nothing of another meter, # or $SYS', async () => {
    const m1 = await connect({ ...meterLogin('mq-1'), protocolVersion: 5 });
    const seen: string[] = [];
    m1.on('message', (topic) => seen.push(topic));
    for (const f of ['meters/mq-2/readings', 'meters/+/readings', '#', '$SYS/#', 'meters/mq-1/#'])
      await m1.subscribeAsync(f, { qos: 1 }).catch(() => undefined);
    const m2 = await connect({ ...meterLogin('mq-2'), protocolVersion: 5 });
    await m2.publishAsync('meters/mq-2/readings', '{"ts":0,"importWh":1}', { qos: 1 });
    await m1.publishAsync('meters/mq-1/readings', '{"ts":0,"importWh":1}', { qos: 1 });
    await waitFor('its own reading', () => seen.includes('meters/mq-1/readings'), {
      timeoutMs: 30_000,
    });
    expect(seen.filter((t) => t !== 'meters/mq-1/readings')).toEqual([]);
  });

  it('closes the connection of a packet above max_packet_size and keeps serving', async () => {
    const m1 = await connect({ ...meterLogin('mq-1'), protocolVersion: 4 });
    const closed = new Promise<void>((resolve) => m1.once('close', () => resolve()));
    m1.publish('meters/mq-1/readings', Buffer.alloc(LIMIT + 100, 'z'), { qos: 1 });
    await closed;
    const again = await connect({ ...meterLogin('mq-1'), protocolVersion: 4 });
    await again.publishAsync('meters/mq-1/readings', '{"ts":0,"importWh":3}', { qos: 1 });
  });
});
