import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { influxNow } from '../harness/influxd.js';
import { waitFor } from '../harness/process.js';
import { influxReadings } from '../support/child-instance.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectPublisher, readingSeries, type PlainReading } from '../support/publisher.js';

const influxUrl = inject('influxUrl');
const H = 3_600_000;
const influxQuery = (db: string, q: string) =>
  fetch(`${influxUrl}/query?db=${db}`, { method: 'POST', body: new URLSearchParams({ q }) });

describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')('what InfluxDB refuses', () => {
  let broker: MosquittoHandle;
  const instances: TestInstance[] = [];
  const start = async (db: string, clientId: string) => {
    const wl = await startInstance(
      { MQTT_URL: broker.url, INFLUX_URL: influxUrl, INFLUX_DB: db, MQTT_CLIENT_ID: clientId },
      ['ok-1', 'old-1'],
    );
    instances.push(wl);
    return wl;
  };
  const publish = async (readings: readonly PlainReading[]) => {
    const pub = await connectPublisher(broker.url);
    await pub.publishReadings(readings);
    await pub.close();
  };

  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    for (const wl of instances) await wl.stop();
    await broker?.dispose();
  });

  it('isolates points the store refuses as data (older than its retention) and stores their batch neighbours', async () => {
    const db = `retention_${process.pid}`;
    const wl = await start(db, 'retention-ingest');
    expect(
      (
        await influxQuery(
          db,
          `CREATE RETENTION POLICY "hour" ON "${db}" DURATION 1h REPLICATION 1 DEFAULT`,
        )
      ).status,
    ).toBe(200);
    // InfluxDB judges a point's age by its own clock, which libfaketime does not move.
    const influxTime = await influxNow(influxUrl);
    const fresh = readingSeries(['ok-1'], 3, influxTime - 60_000);
    const old = readingSeries(['old-1'], 3, influxTime - 3 * H);
    await publish([...old, ...fresh]);
    await waitFor(
      'every reading judged',
      async () =>
        (await wl.metric('wattledger_readings_stored_total')) +
          (await wl.metric('wattledger_ingest_rejections_total')) >=
        6,
    );

    expect([...(await influxReadings(influxUrl, db)).keys()].sort()).toEqual(
      fresh.map((r) => `ok-1@${r.ts}`).sort(),
    );
    const ledger = openLedger(wl.ledgerUrl);
    try {
      const rejected = (await listRejections(ledger.db, { limit: 100 })).items;
      expect(rejected.map((r) => [r.reason, r.meterId])).toEqual(
        Array.from({ length: 3 }, () => ['store_rejected', 'old-1']),
      );
      expect(rejected[0]?.detail).toMatch(/retention policy/);
    } finally {
      await ledger.close();
    }
    expect(wl.running.ingest?.spoolDepth()).toBe(0);
  });

  it('keeps readings in the spool while foreign points of another type block the measurement, then stores them', async () => {
    const db = `conflict_${process.pid}`;
    const wl = await start(db, 'conflict-ingest');
    const readings = readingSeries(['ok-1'], 4, Date.now() - 60_000);
    // Another writer stored import_wh as a float in this shard: InfluxDB now refuses every integer
    // import_wh there. At the first reading's own instant (another series): an hour earlier fell
    // into the previous weekly shard from Monday 00:00 to 01:45 UTC, where nothing conflicts.
    const foreign = await fetch(`${influxUrl}/write?db=${db}&precision=ms`, {
      method: 'POST',
      body: `meter_reading,meter_id=intruder import_wh=1.5 ${readings[0]!.ts}`,
    });
    expect(foreign.status).toBe(204);
    await publish(readings);
    await waitFor(
      'the store refusing',
      async () => (await wl.metric('wattledger_store_errors_total')) > 0,
    );
    expect(wl.running.ingest?.spoolDepth()).toBe(4);
    expect(await wl.metric('wattledger_ingest_rejections_total')).toBe(0);

    // The operator removes the foreign points; the next retry goes through.
    expect((await influxQuery(db, 'DROP MEASUREMENT meter_reading')).status).toBe(200);
    await waitFor('the spool to drain', () => wl.running.ingest?.spoolDepth() === 0, {
      timeoutMs: 90_000,
    });
    expect((await influxReadings(influxUrl, db)).size).toBe(4);
    expect(await wl.metric('wattledger_ingest_rejections_total')).toBe(0);
  }, 120_000);
});
