import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet } from '../../simulators/fleet.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { systemClock } from '../../src/shared/clock.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { influxReadings } from '../support/child-instance.js';
import { spawnIngestWorkers, type IngestWorkers } from '../support/ingest-workers.js';
import { registerMeters, tempDir } from '../support/instance.js';
import { connectPublisher, keyOf, readingSeries, type PlainReading } from '../support/publisher.js';

const DAY = 86_400_000;
const influxUrl = inject('influxUrl');
const STORED = 'wattledger_readings_stored_total';
const SIM_FLEET = makeFleet({
  meters: 30,
  seed: 6,
  prefix: 'share-sim-',
  installedAt: Date.now() - 3 * DAY,
});
const PUB_METERS = Array.from({ length: 40 }, (_, i) => `share-pub-${String(i).padStart(2, '0')}`);

/** Readings in InfluxDB whose meter id starts with `prefix`. */
async function storedWith(db: string, prefix: string): Promise<Map<string, number>> {
  return new Map([...(await influxReadings(influxUrl, db))].filter(([k]) => k.startsWith(prefix)));
}

describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'three ingest processes on one shared subscription (real Mosquitto and InfluxDB)',
  () => {
    const tmp = tempDir('wl-share-');
    const db = `share_${process.pid}`;
    let broker: MosquittoHandle;
    let fleet: IngestWorkers;

    beforeAll(async () => {
      broker = await startMosquitto({ persistence: true });
      const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
      await registerMeters(
        ledgerUrl,
        [...SIM_FLEET.map((m) => m.meterId), ...PUB_METERS],
        new Date(Date.now() - 3 * DAY).toISOString(),
      );
      // /readyz answers 200 only once each worker's subscription is granted: every one gets
      // its share from the start.
      fleet = await spawnIngestWorkers(
        3,
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influxUrl,
          INFLUX_DB: db,
          DATABASE_URL: ledgerUrl,
          FLUSH_LINGER_MS: '50',
        },
        tmp.dir,
        'share-ingest',
      );
    }, 180_000);
    afterAll(async () => {
      await fleet?.stop();
      await broker?.dispose();
      tmp.cleanup();
    });

    it("the simulator's load is split among all three, and every reading is stored by exactly one of them", async () => {
      const report = await runSimulation(
        {
          mqttUrl: broker.url,
          meters: SIM_FLEET.length,
          fleet: SIM_FLEET,
          interval: '15m',
          from: Date.now() - DAY,
          until: Date.now() - 60_000,
          seed: 3,
        },
        { clock: systemClock },
      );
      expect(report.unacked + report.failed).toBe(0);
      const expected = report.expectedStored.size;
      expect(expected).toBeGreaterThan(2500);
      await waitFor(
        'every reading stored',
        async () => (await storedWith(db, 'share-sim-')).size >= expected,
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await waitFor(
        'every worker counted its writes',
        async () => (await fleet.sum(STORED)) >= expected,
        { timeoutMs: 30_000 },
      );

      const perWorker = await fleet.each(STORED);
      for (const n of perWorker)
        expect(n, `stored per worker: ${perWorker.join(', ')}`).toBeGreaterThan(0);
      for (const n of await fleet.each('wattledger_mqtt_messages_received_total'))
        expect(n).toBeGreaterThan(0);
      // Each message went to one member only: the workers' writes add up to
      // the readings sent, not more.
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(expected);
      const inStore = await storedWith(db, 'share-sim-');
      expect(inStore.size).toBe(expected);
      for (const [key, r] of report.expectedStored) expect(inStore.get(key), key).toBe(r.importWh);
      expect(await fleet.sum('wattledger_ingest_rejections_total')).toBe(0);
    }, 240_000);

    it('one worker SIGKILLed mid-run: every reading the broker acknowledged is stored once, after the worker is back', async () => {
      const before = await fleet.each(STORED);
      const readings = readingSeries(PUB_METERS, 100, Date.now() - 60_000);
      const pub = await connectPublisher(broker.url);
      const victim = fleet.workers[1];
      if (victim === undefined) throw new Error('no worker 1');
      let acked: PlainReading[];
      try {
        const publishing = pub.publishReadings(readings, { window: 100 });
        // Kill once the run is visibly under way: some readings stored, the rest in
        // flight, spooled or queued.
        await waitFor(
          'readings being stored',
          async () => (await fleet.sum(STORED)) - before.reduce((a, b) => a + b, 0) >= 600,
          { timeoutMs: 120_000, intervalMs: 50 },
        );
        await victim.process.kill();
        acked = await publishing;
      } finally {
        await pub.close();
      }
      expect(acked).toHaveLength(readings.length);
      // Same client id and data dir: its spool is replayed and the broker hands
      // over its session's queue.
      await victim.restart();

      const expected = new Map(acked.map((r) => [keyOf(r), r.importWh]));
      let inStore = new Map<string, number>();
      await waitFor(
        'every acknowledged reading in InfluxDB',
        async () => {
          inStore = await storedWith(db, 'share-pub-');
          return inStore.size >= expected.size;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );
      expect(inStore.size).toBe(expected.size);
      for (const [key, importWh] of expected) expect(inStore.get(key), key).toBe(importWh);
      const after = await fleet.each(STORED);
      expect(after[0]! - before[0]!, 'worker 0 took a share').toBeGreaterThan(0);
      expect(after[2]! - before[2]!, 'worker 2 took a share').toBeGreaterThan(0);
      // Whether the restarted worker itself stores anything depends on when the kill lands: with
      // an empty spool and nothing in flight to it, the broker has nothing queued for it. What
      // must hold is above. Redeliveries of what the killed worker had not acknowledged are
      // duplicates, never rejections.
      expect(await fleet.sum('wattledger_ingest_rejections_total')).toBe(0);
    }, 400_000);
  },
);
