import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startInfluxd, type InfluxdHandle } from '../harness/influxd.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { influxReadings } from '../support/child-instance.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import {
  connectPublisher,
  keyOf,
  readingSeries,
  type PlainReading,
  type TestPublisher,
} from '../support/publisher.js';

const METERS = Array.from({ length: 10 }, (_, i) => `out-${i}`);
const OUTAGE_MS = 30_000;

describe.skipIf(inject('influxUrl') === '' || inject('mqttUrl') === '')(
  'InfluxDB down for 30 s under load',
  () => {
    let broker: MosquittoHandle;
    let influx: InfluxdHandle;
    let wl: TestInstance;
    let pub: TestPublisher;

    beforeAll(async () => {
      [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
      wl = await startInstance(
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influx.url,
          INFLUX_DB: 'energy',
          MQTT_CLIENT_ID: 'outage-ingest',
        },
        METERS,
      );
      pub = await connectPublisher(broker.url);
    });
    afterAll(async () => {
      await pub?.close();
      await wl?.stop();
      await Promise.all([broker?.dispose(), influx?.dispose()]);
    });

    it('loses nothing acknowledged: the spool holds the readings and drains after the restart', async () => {
      const all = readingSeries(METERS, 900, Date.now() - 60_000);
      const chunks: PlainReading[][] = [];
      for (let i = 0; i < all.length; i += 300) chunks.push(all.slice(i, i + 300));
      const acked: PlainReading[] = [];
      const send = async (n: number) => {
        for (const c of chunks.splice(0, n)) acked.push(...(await pub.publishReadings(c)));
      };

      await send(5);
      await waitFor(
        'first readings stored',
        async () => (await wl.metric('wattledger_readings_stored_total')) > 0,
      );
      await influx.stop();
      const downAt = Date.now();
      // Keep publishing through the outage: every PUBACK still means "durable in the spool".
      while (Date.now() - downAt < OUTAGE_MS && chunks.length > 5) {
        await send(1);
        await new Promise((r) => setTimeout(r, 1000));
      }
      await waitFor('the outage to last 30 s', () => Date.now() - downAt >= OUTAGE_MS, {
        timeoutMs: OUTAGE_MS + 5000,
      });
      expect(await wl.metric('wattledger_spool_depth')).toBeGreaterThan(0);
      expect(await wl.metric('wattledger_store_errors_total')).toBeGreaterThan(0);
      await influx.start();
      await send(chunks.length);
      expect(acked).toHaveLength(all.length);

      await waitFor(
        'the spool to drain',
        async () =>
          (await wl.metric('wattledger_spool_depth')) === 0 &&
          wl.running.ingest?.spoolDepth() === 0,
        { timeoutMs: 180_000 },
      );
      const stored = await influxReadings(influx.url, 'energy');
      expect(stored.size).toBe(acked.length);
      for (const r of acked) expect(stored.get(keyOf(r)), keyOf(r)).toBe(r.importWh);
      expect(await wl.metric('wattledger_ingest_rejections_total')).toBe(0);
    }, 400_000);
  },
);
