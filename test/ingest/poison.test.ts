import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import {
  connectPublisher,
  TEST_METER_SECRET,
  keyOf,
  readingSeries,
  type TestPublisher,
} from '../support/publisher.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';

const modes = [
  // aedes hands messages to ingest before its PUBACK; readings go to SQLite.
  { name: 'the embedded broker', external: false },
  // An mqtt.js subscriber on a persistent session; readings go to InfluxDB.
  { name: 'Mosquitto and InfluxDB', external: true },
] as const;

describe.each(modes)('poison messages on $name', ({ external }) => {
  const skip = external && (inject('influxUrl') === '' || inject('mqttUrl') === '');
  let broker: MosquittoHandle | undefined;
  let wl: TestInstance;
  let pub: TestPublisher;
  beforeAll(async () => {
    if (skip) return;
    if (external) broker = await startMosquitto();
    const env: Record<string, string> =
      broker === undefined
        ? // The 1 MiB poison payload makes a packet just over the default limit.
          { MQTT_MAX_PACKET_BYTES: String(2 * 1024 * 1024) }
        : {
            MQTT_URL: broker.url,
            INFLUX_URL: inject('influxUrl'),
            INFLUX_DB: `poison_${process.pid}`,
            MQTT_CLIENT_ID: 'poison-ingest',
          };
    wl = await startInstance(env, ['p-1', 'p-2']);
    pub = await connectPublisher(wl.running.mqttUrl, undefined, TEST_METER_SECRET);
  });
  afterAll(async () => {
    await pub?.close();
    await wl?.stop();
    await broker?.dispose();
  });

  it.skipIf(skip)(
    'rejects each poison message with its reason and keeps the flow going',
    async () => {
      const before = readingSeries(['p-1', 'p-2'], 5, Date.now() - 4 * 3_600_000, 0);
      const after = readingSeries(['p-1', 'p-2'], 5, Date.now() - 60_000, 10_000);
      expect(await pub.publishReadings(before)).toHaveLength(10);
      const poison: [string, string | Buffer][] = [
        ['meters/p-1/readings', '{"ts":'],
        ['meters/p-1/readings', JSON.stringify({ ts: Date.now(), importWh: 'abc' })],
        ['meters/p-2/readings', Buffer.alloc(1024 * 1024, 'z')],
        [
          'meters/p-2/readings',
          JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ ts: i, importWh: i }))),
        ],
        ['meters/ghost/readings', JSON.stringify({ ts: Date.now(), importWh: 1 })],
      ];
      for (const [topic, payload] of poison) await pub.publish(topic, payload);
      expect(await pub.publishReadings(after)).toHaveLength(10);

      await waitFor(
        'all readings stored',
        async () => (await wl.metric('wattledger_readings_stored_total')) >= 20,
      );
      await waitFor(
        'all rejections recorded',
        async () => (await wl.metric('wattledger_ingest_rejections_total')) >= 5,
      );
      expect(await wl.metric('wattledger_readings_stored_total')).toBe(20);
      expect(
        await wl.metric('wattledger_ingest_rejections_total', { reason: 'invalid_json' }),
      ).toBe(2);
      expect(
        await wl.metric('wattledger_ingest_rejections_total', { reason: 'invalid_schema' }),
      ).toBe(2);
      expect(
        await wl.metric('wattledger_ingest_rejections_total', { reason: 'unknown_meter' }),
      ).toBe(1);

      const ledger = openLedger(wl.ledgerUrl);
      try {
        const page = await listRejections(ledger.db, { limit: 10 });
        expect(page.items.map((r) => r.reason)).toEqual([
          'unknown_meter',
          'invalid_schema',
          'invalid_json',
          'invalid_schema',
          'invalid_json',
        ]);
        const big = page.items.find((r) => r.payloadBytes === 1024 * 1024);
        expect(big?.payload.length).toBe(64 * 1024);
        expect(page.items[1]?.detail).toMatch(/1 to 1000 readings, got 10000/);
      } finally {
        await ledger.close();
      }
      const keys = [...before, ...after].map(keyOf);
      expect(new Set(keys).size).toBe(20);
    },
  );
});
