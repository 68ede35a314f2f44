import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { influxReadings, spawnWattledger, type ChildInstance } from '../support/child-instance.js';
import { readMetric, registerMeters, tempDir } from '../support/instance.js';
import {
  connectPublisher,
  keyOf,
  readingSeries,
  type PlainReading,
  type TestPublisher,
} from '../support/publisher.js';

const influxUrl = inject('influxUrl');
const METERS = Array.from({ length: 20 }, (_, i) => `kill-${String(i).padStart(3, '0')}`);

describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'ingest killed with SIGKILL mid-stream (real Mosquitto and InfluxDB)',
  () => {
    const tmp = tempDir();
    const db = `kill_${process.pid}`;
    let broker: MosquittoHandle;
    let wl: ChildInstance;
    let pub: TestPublisher;

    beforeAll(async () => {
      broker = await startMosquitto({ persistence: true });
      const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
      await registerMeters(ledgerUrl, METERS);
      wl = await spawnWattledger(
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influxUrl,
          INFLUX_DB: db,
          DATABASE_URL: ledgerUrl,
          DATA_DIR: tmp.dir,
          MQTT_CLIENT_ID: 'kill-test-ingest',
          FLUSH_LINGER_MS: '50',
        },
        path.join(tmp.dir, 'wattledger.log'),
      );
      pub = await connectPublisher(broker.url);
    });
    afterAll(async () => {
      await pub?.close();
      await wl?.process.stop();
      await broker?.dispose();
      tmp.cleanup();
    });

    it('stores every reading whose publisher got a PUBACK, exactly once', async () => {
      const readings = readingSeries(METERS, 300, Date.now() - 60_000);
      const half = readings.length / 2;
      const stored = () =>
        readMetric(wl.httpUrl, 'wattledger_readings_stored_total').catch(() => 0);
      const firstHalf = pub.publishReadings(readings.slice(0, half), { window: 100 });

      // Kill once the pipeline is visibly mid-stream: some readings stored,
      // others in flight or spooled.
      await waitFor('ingest storing readings', async () => (await stored()) >= 500, {
        timeoutMs: 120_000,
      });
      await wl.process.kill();
      // While it is down the broker queues the second half for the persistent session.
      const acked: PlainReading[] = [
        ...(await firstHalf),
        ...(await pub.publishReadings(readings.slice(half), { window: 100 })),
      ];
      expect(acked).toHaveLength(readings.length);
      await wl.restart();
      // The restarted process gets the queue of its session from the
      // broker (and replays its spool).
      await waitFor(
        'the restarted ingest receiving',
        async () => (await readMetric(wl.httpUrl, 'wattledger_mqtt_messages_received_total')) > 0,
      );

      const expected = new Map(acked.map((r) => [keyOf(r), r.importWh]));
      let inStore = new Map<string, number>();
      await waitFor(
        'every acknowledged reading in InfluxDB',
        async () => {
          inStore = await influxReadings(influxUrl, db);
          return inStore.size >= expected.size;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );
      expect(inStore.size).toBe(expected.size);
      for (const [key, importWh] of expected) expect(inStore.get(key), key).toBe(importWh);
      // Nothing was mistaken for bad data on the way: redeliveries are duplicates, not rejections.
      expect(await readMetric(wl.httpUrl, 'wattledger_ingest_rejections_total')).toBe(0);
    }, 400_000);
  },
);

describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'SIGTERM drains the spool before exit (real Mosquitto and InfluxDB)',
  () => {
    const tmp = tempDir();
    const db = `drain_${process.pid}`;
    let broker: MosquittoHandle;

    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => {
      await broker?.dispose();
      tmp.cleanup();
    });

    it('exits 0 with every acknowledged reading in InfluxDB', async () => {
      const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
      await registerMeters(ledgerUrl, METERS);
      // A long linger keeps readings in the spool, so only the drain on SIGTERM can deliver them.
      const wl = await spawnWattledger(
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influxUrl,
          INFLUX_DB: db,
          DATABASE_URL: ledgerUrl,
          DATA_DIR: tmp.dir,
          MQTT_CLIENT_ID: 'drain-ingest',
          FLUSH_LINGER_MS: '60000',
        },
        path.join(tmp.dir, 'drain.log'),
      );
      const pub = await connectPublisher(broker.url);
      const acked = await pub.publishReadings(readingSeries(METERS, 20));
      await pub.close();
      await waitFor(
        'readings spooled',
        async () =>
          (await readMetric(wl.httpUrl, 'wattledger_readings_received_total')) >= acked.length,
      );
      expect(await readMetric(wl.httpUrl, 'wattledger_readings_stored_total')).toBe(0);
      await wl.process.stop();
      expect(await wl.process.exited).toEqual({ code: 0, signal: null });
      const inStore = await influxReadings(influxUrl, db);
      expect([...inStore.keys()].sort()).toEqual(acked.map(keyOf).sort());
    }, 120_000);
  },
);
