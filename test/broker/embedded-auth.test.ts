import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/connect.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { meterLogin, readingSeries, wire } from '../support/publisher.js';

const METERS = ['ea-1', 'ea-2'];
const NOT_AUTHORIZED = 5;
const SUBACK_FAILURE = 128;
const STORED = 'wattledger_readings_stored_total';

describe('the embedded broker: meters log in and stay in their own topic tree', () => {
  let wl: TestInstance;
  const clients: MqttClient[] = [];
  const connect = async (opts: IClientOptions) => {
    const c = await mqtt.connectAsync(wl.running.mqttUrl, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...opts,
    });
    clients.push(c);
    return c;
  };
  const refusal = (opts: IClientOptions) =>
    connect(opts).then(
      () => 'accepted',
      (e: { code?: number }) => e.code,
    );
  const stored = () => wl.metric(STORED);

  beforeAll(async () => {
    wl = await startInstance({}, METERS);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await wl?.stop();
  });

  it('refuses anonymous clients and wrong passwords with CONNACK "not authorized"', async () => {
    expect(await refusal({})).toBe(NOT_AUTHORIZED);
    expect(await refusal({ username: 'ea-1', password: 'not-the-password' })).toBe(NOT_AUTHORIZED);
    expect(await refusal({ username: 'ea-1', password: meterLogin('ea-2').password })).toBe(
      NOT_AUTHORIZED,
    );
    expect(await refusal({ ...meterLogin('ea-1', 'another-secret-0123456789abcdef0123') })).toBe(
      NOT_AUTHORIZED,
    );
  });

  it("grants a meter its own tree only: never another meter's readings, # or $SYS", async () => {
    const m1 = await connect(meterLogin('ea-1'));
    const grant = (filter: string) =>
      m1.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g[0]?.qos,
        // mqtt.js rejects a subscription the broker refused (granted 0x80).
        () => SUBACK_FAILURE,
      );
    for (const filter of [
      'meters/ea-2/readings',
      'meters/+/readings',
      '#',
      '$SYS/#',
      '$share/g/meters/ea-1/readings',
    ])
      expect(await grant(filter), filter).toBe(SUBACK_FAILURE);
    expect(await grant('meters/ea-1/#')).toBe(1);
    const seen: string[] = [];
    m1.on('message', (topic) => seen.push(topic));
    const m2 = await connect(meterLogin('ea-2'));
    const before = await stored();
    const [r] = readingSeries(['ea-2'], 1, Date.now() - 60_000);
    await m2.publishAsync('meters/ea-2/readings', wire(r!), { qos: 1 });
    await waitFor('ea-2 reading stored', async () => (await stored()) > before);
    expect(seen).toEqual([]);
    expect(m1.connected).toBe(true);
  });

  it('refuses a publish outside the tree quietly: the meter stays connected and its next reading is stored', async () => {
    const m1 = await connect(meterLogin('ea-1'));
    const m2 = await connect(meterLogin('ea-2'));
    await m2.subscribeAsync('meters/ea-2/#', { qos: 1 });
    const m2Saw: string[] = [];
    m2.on('message', (topic, payload) => m2Saw.push(`${topic} ${payload.toString()}`));
    let closed = 0;
    m1.on('close', () => (closed += 1));
    const before = await stored();
    const spoofed = readingSeries(['ea-2'], 1, Date.now() - 30 * 60_000)[0]!;
    // Refused, yet acknowledged (MQTT 3.1.1 has no negative PUBACK): no disconnect.
    await m1.publishAsync('meters/ea-2/readings', wire(spoofed), { qos: 1, retain: true });
    await m1.publishAsync('elsewhere/topic', 'x', { qos: 1, retain: true });
    const own = readingSeries(['ea-1'], 1, Date.now() - 60_000, 5_000)[0]!;
    await m1.publishAsync('meters/ea-1/readings', wire(own), { qos: 1 });
    await waitFor('ea-1 reading stored', async () => (await stored()) >= before + 1);
    expect(await stored()).toBe(before + 1);
    expect(closed).toBe(0);
    expect(m1.connected).toBe(true);
    expect(m2Saw).toEqual([]);
    // Nothing was retained for ea-2 either.
    const late = await connect(meterLogin('ea-2'));
    const retained: string[] = [];
    late.on('message', (topic) => retained.push(topic));
    await late.subscribeAsync('meters/ea-2/#', { qos: 1 });
    await m2.publishAsync('meters/ea-2/readings', 'marker', { qos: 1 });
    await waitFor('the marker to arrive', () => retained.length > 0, { timeoutMs: 30_000 });
    expect(retained).toEqual(['meters/ea-2/readings']);
  });

  it('records the refused reading as an invalid_topic rejection', async () => {
    await waitFor('the rejection of the spoofed reading', rejectedSpoof);
    async function rejectedSpoof(): Promise<boolean> {
      const ledger = openLedger(wl.ledgerUrl);
      try {
        const rows = await ledger.db
          .selectFrom('rejections')
          .select(['reason', 'meter_id', 'topic'])
          .where('topic', '=', 'meters/ea-2/readings')
          .execute();
        return rows.some((r) => r.reason === 'invalid_topic' && r.meter_id === 'ea-1');
      } finally {
        await ledger.close();
      }
    }
  });

  it('closes the connection of an oversize packet and keeps serving', async () => {
    const m1 = await connect({ ...meterLogin('ea-1'), reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => m1.once('close', () => resolve()));
    m1.publish('meters/ea-1/readings', Buffer.alloc(1024 * 1024 + 10, 'z'), { qos: 1 });
    await closed;
    const before = await stored();
    const again = await connect(meterLogin('ea-1'));
    // Later than, and above, every ea-1 reading so far.
    const next = { ts: new Date(Date.now() - 5_000).toISOString(), importWh: 1_005_010 };
    await again.publishAsync('meters/ea-1/readings', JSON.stringify(next), { qos: 1 });
    await waitFor('a reading after the oversize packet', async () => (await stored()) > before);
  });
});

describe('MQTT_ALLOW_ANONYMOUS=true', () => {
  let wl: TestInstance;
  beforeAll(async () => {
    wl = await startInstance({ MQTT_ALLOW_ANONYMOUS: 'true' }, ['anon-1']);
  });
  afterAll(async () => {
    await wl?.stop();
  });

  it('lets an anonymous client publish readings, as before authentication existed', async () => {
    const c = await mqtt.connectAsync(wl.running.mqttUrl, { reconnectPeriod: 0 });
    try {
      const r = readingSeries(['anon-1'], 1, Date.now() - 60_000)[0]!;
      await c.publishAsync('meters/anon-1/readings', wire(r), { qos: 1 });
      await waitFor('the anonymous reading stored', async () => (await wl.metric(STORED)) >= 1);
    } finally {
      await c.endAsync();
    }
  });
});
