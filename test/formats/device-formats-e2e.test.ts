import { parisHousehold } from '../support/paris-household.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fleetLogins } from '../../src/broker/device-access.js';
import { meterCredentials } from '../../src/broker/meter-credentials.js';
import { brokerAuthFiles } from '../../src/broker/mosquitto-auth.js';
import type { DeviceFormatName } from '../../src/formats/device-format.js';
import { deviceFormat, type DeviceFormatKey } from '../../src/formats/registry.js';
import { addMeter } from '../../src/fleet/meters-repo.js';
import type { Meter } from '../../src/fleet/meter.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { startInstance, tempDir, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'formats');
const ZONE = 'Europe/Paris';
const ADMIN_KEY = 'formats-e2e-admin-key-0123456789abcdef';

/** One documented payload per format, on a topic of the shape its device uses. */
interface Case {
  readonly format: DeviceFormatKey;
  readonly meterId: string;
  readonly topic: string;
  readonly fixture: string;
  readonly source?: Record<string, unknown>;
}

const cases = (prefix: string): Case[] => [
  {
    format: 'tasmota',
    meterId: `${prefix}plug`,
    topic: `tele/${prefix}plug/SENSOR`,
    fixture: 'tasmota/energy-plug-single-phase.json',
  },
  {
    format: 'shelly-gen2',
    meterId: `${prefix}shelly`,
    topic: `${prefix}shellyplus1pm/events/rpc`,
    fixture: 'shelly-gen2/plus1pm-events-rpc-switch-aenergy.json',
    source: { component: 'switch:0' },
  },
  {
    format: 'teleinfo',
    meterId: `${prefix}linky`,
    topic: `teleinfo/${prefix}linky`,
    fixture: 'teleinfo/history-readme-hchc-hchp.json',
  },
  {
    format: 'dsmr-p1',
    meterId: `${prefix}p1`,
    topic: `dsmr/${prefix}p1/raw`,
    fixture: 'dsmr-p1/dsmr-5.0-iskra.txt',
  },
  {
    format: 'zigbee2mqtt',
    meterId: `${prefix}z2m`,
    topic: `zigbee2mqtt/${prefix}plug`,
    fixture: 'zigbee2mqtt/plug-ts011f-iso8601-utc.json',
  },
];

/** What the format itself reads from the fixture: the stored reading must match it. */
function expected(c: Case, payload: Buffer): Omit<Reading, 'meterId' | 'receivedAt'> {
  const spec = deviceFormat(c.format);
  const options = spec.sourceSchema.parse(c.source ?? {});
  const result = spec.parse({
    topic: c.topic,
    payload,
    meter: { id: c.meterId, timezone: ZONE, source: options },
    receivedAt: Date.now(),
  });
  if (!result.ok) throw new Error(`fixture ${c.fixture} does not parse: ${result.detail}`);
  const r = result.readings.at(-1)!;
  return {
    ts: r.ts,
    importWh: r.importWh,
    exportWh: r.exportWh,
    registers: r.registers,
    tsSource: r.tsSource === 'received' ? 'received' : undefined,
  };
}

/** A customer in Paris with a contract, and each case's meter bound to its device topic. */
async function bindMeters(ledgerUrl: string, list: readonly Case[]): Promise<Meter[]> {
  // In force since 2000: the documented payloads were published over the years. The latest
  // reading (a register read at one moment) needs consent `interval`.
  const meters = await parisHousehold(
    ledgerUrl,
    { name: 'Device owner', since: '2000-01-01T00:00:00Z', consent: 'interval' },
    async (deps, contractId) => {
      for (const c of list)
        await addMeter(deps, {
          id: c.meterId,
          contractId,
          installedAt: '2000-01-01T00:00:00Z',
          format: c.format,
          source: { topic: c.topic, ...c.source },
        });
    },
  );
  return meters.filter((m) => list.some((c) => c.meterId === m.id));
}

const influxUrl = inject('influxUrl');
const modes = [
  { name: 'Mosquitto (generated ACL) -> ingest -> InfluxDB', external: true, prefix: 'dfx-' },
  { name: 'embedded broker -> ingest -> SQLite', external: false, prefix: 'dfe-' },
] as const;

describe.each(modes)('device formats end to end: $name', ({ external, prefix }) => {
  const skip = external && influxUrl === '';
  const list = cases(prefix);
  const tmp = tempDir('wl-formats-e2e-');
  const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
  let broker: MosquittoHandle | undefined;
  let wl: TestInstance;
  let store: ReadingStore;
  let meters: Meter[];
  const clients: MqttClient[] = [];
  const connectDevice = async (meter: Meter) => {
    const login = meterCredentials(TEST_METER_SECRET, meter);
    const client = await mqtt.connectAsync(wl.running.mqttUrl, {
      username: login.username,
      password: login.password,
      // aedes speaks MQTT 3.1.1.
      protocolVersion: external ? 5 : 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    if (skip) return;
    meters = await bindMeters(ledgerUrl, list);
    if (external) {
      const fleet = fleetLogins(meters);
      const ingest = { username: 'formats-ingest', password: 'formats-ingest-password' };
      const files = brokerAuthFiles({
        meterIds: fleet.logins,
        devices: fleet.devices,
        meterSecret: TEST_METER_SECRET,
        ingest,
      });
      const dir = path.join(tmp.dir, 'auth');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'passwd'), files.passwordFile);
      writeFileSync(path.join(dir, 'acl'), files.aclFile);
      broker = await startMosquitto({
        auth: { passwordFile: path.join(dir, 'passwd'), aclFile: path.join(dir, 'acl') },
      });
      const db = `formats_${process.pid}`;
      wl = await startInstance({
        DATABASE_URL: ledgerUrl,
        MQTT_URL: broker.url,
        MQTT_USERNAME: ingest.username,
        MQTT_PASSWORD: ingest.password,
        MQTT_SHARE_GROUP: 'wattledger',
        MQTT_CLIENT_ID: 'formats-ingest',
        INFLUX_URL: influxUrl,
        INFLUX_DB: db,
        ADMIN_API_KEY: ADMIN_KEY,
      });
      store = createReadingStore({ influxUrl, influxDb: db, sqlitePath: '' });
    } else {
      wl = await startInstance({ DATABASE_URL: ledgerUrl, ADMIN_API_KEY: ADMIN_KEY });
      store = createReadingStore({
        influxDb: '',
        sqlitePath: path.join(wl.dataDir, 'readings.db'),
      });
    }
    await store.init();
    await waitFor('ingest subscribed', () => wl.running.ingest?.brokerConnected() === true, {
      timeoutMs: 30_000,
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await store?.close();
    await wl?.stop();
    await broker?.dispose();
    tmp.cleanup();
  });

  it.skipIf(skip).each(list.map((c) => [c.format, c] as const))(
    '%s: the device publishes with its own login on its own topic; the reading is stored as read',
    async (_format: DeviceFormatName, c: Case) => {
      const meter = meters.find((m) => m.id === c.meterId)!;
      expect(meterCredentials(TEST_METER_SECRET, meter).topic).toBe(c.topic);
      const client = await connectDevice(meter);
      const payload = readFileSync(path.join(FIXTURES, c.fixture));
      await client.publishAsync(c.topic, payload, { qos: 1 });
      const want = expected(c, payload);
      await waitFor(
        `${c.format} reading stored`,
        async () => (await store.latest(c.meterId))?.importWh === want.importWh,
        { timeoutMs: 30_000 },
      );
      const got = await store.latest(c.meterId);
      expect(got).toMatchObject({
        importWh: want.importWh,
        ...(want.exportWh === undefined ? {} : { exportWh: want.exportWh }),
        ...(want.registers === undefined ? {} : { registers: want.registers }),
      });
      if (want.tsSource === 'received') expect(got?.tsSource).toBe('received');
      else expect(got?.ts).toBe(want.ts);
      // The API shows where the time came from and the meter's own registers.
      const res = await fetch(`${wl.running.httpUrl}/v1/meters/${c.meterId}/readings/latest`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        importWh: want.importWh,
        tsSource: want.tsSource ?? 'meter',
        registers: want.registers ?? null,
      });
    },
    60_000,
  );

  it.skipIf(skip)('a device login may not publish outside its own tree', async () => {
    const client = await connectDevice(meters.find((m) => m.format === 'tasmota')!);
    const other = list.find((c) => c.format === 'zigbee2mqtt')!;
    const before = await store.latest(other.meterId);
    const outcome = await client
      .publishAsync(other.topic, '{"energy": 999999, "power": 1}', { qos: 1 })
      .then(
        (packet) => (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0,
        (e: { code?: number }) => e.code,
      );
    // Mosquitto answers PUBACK "not authorized" (0x87); the embedded broker acknowledges and drops
    // it, recording a rejection.
    expect([0, 0x87]).toContain(outcome);
    expect(await store.latest(other.meterId)).toEqual(before);
  });
});

describe.skipIf(influxUrl === '')(
  'a bound device topic across an ingest restart (Mosquitto)',
  () => {
    const tmp = tempDir('wl-formats-restart-');
    const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
    const db = `formats_restart_${process.pid}`;
    const plug = cases('rst-').find((c) => c.format === 'zigbee2mqtt')!;
    let broker: MosquittoHandle;
    let store: ReadingStore;
    const start = () =>
      startInstance({
        DATABASE_URL: ledgerUrl,
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: 'formats-restart-ingest',
        MQTT_PROTOCOL_VERSION: '5',
        INFLUX_URL: influxUrl,
        INFLUX_DB: db,
      });

    beforeAll(async () => {
      await bindMeters(ledgerUrl, [plug]);
      broker = await startMosquitto();
      store = createReadingStore({ influxUrl, influxDb: db, sqlitePath: '' });
      await store.init();
    });
    afterAll(async () => {
      await store?.close();
      await broker?.dispose();
      tmp.cleanup();
    });

    it('keeps the subscription in the session: what the device sent while ingest was down is stored', async () => {
      const payload = readFileSync(path.join(FIXTURES, plug.fixture));
      // A second state of the plug, a quarter hour and 0.02 kWh later: the fixture with its
      // energy and last_seen moved on.
      const later = JSON.parse(payload.toString('utf8')) as { energy: number; last_seen: string };
      const laterPayload = Buffer.from(
        JSON.stringify({
          ...later,
          energy: 5.65,
          last_seen: new Date(Date.parse(later.last_seen) + 900_000).toISOString(),
        }),
      );
      const device = () =>
        mqtt.connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: 5 });
      const first = await start();
      // Stored once: the subscription to the bound topic is in place (and in the session).
      const live = await device();
      await live.publishAsync(plug.topic, payload, { qos: 1 });
      await live.endAsync();
      await waitFor(
        'the reading sent while ingest runs',
        async () =>
          (await store.latest(plug.meterId))?.importWh === expected(plug, payload).importWh,
        { timeoutMs: 30_000 },
      );
      await first.stop();
      // Mosquitto without auth here: this test is about the session, the ACL has its own.
      const offline = await device();
      await offline.publishAsync(plug.topic, laterPayload, { qos: 1 });
      await offline.endAsync();
      const want = expected(plug, laterPayload);
      const second = await start();
      try {
        await waitFor(
          'the reading sent while ingest was down',
          async () => (await store.latest(plug.meterId))?.importWh === want.importWh,
          { timeoutMs: 30_000 },
        );
      } finally {
        await second.stop();
      }
    }, 120_000);
  },
);
