import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSpool } from '../../src/ingest/spool.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { influxReadings } from '../support/child-instance.js';
import { spawnIngestWorkers } from '../support/ingest-workers.js';
import { readMetric, registerMeters, tempDir } from '../support/instance.js';
import { connectPublisher, keyOf, readingSeries } from '../support/publisher.js';

const influxUrl = inject('influxUrl');
const METERS = Array.from({ length: 40 }, (_, i) => `term-${String(i).padStart(2, '0')}`);

describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'SIGTERM to an ingest process under load (real Mosquitto and InfluxDB)',
  () => {
    const tmp = tempDir('wl-sigterm-');
    const db = `sigterm_${process.pid}`;
    let broker: MosquittoHandle;

    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => {
      await broker?.dispose();
      tmp.cleanup();
    });

    it('drains its spool and exits 0 within 10 s; after a restart every acknowledged reading is stored', async () => {
      const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
      await registerMeters(ledgerUrl, METERS);
      // A 3 s linger keeps readings in the spool at any moment of the run: only
      // the drain can deliver those.
      const {
        workers: [wl],
      } = await spawnIngestWorkers(
        1,
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influxUrl,
          INFLUX_DB: db,
          DATABASE_URL: ledgerUrl,
          FLUSH_LINGER_MS: '3000',
        },
        tmp.dir,
        'sigterm-ingest',
      );
      if (wl === undefined) throw new Error('no worker');
      const pub = await connectPublisher(broker.url);
      // More than can be sent in the test's time: the publisher stops when told,
      // once the worker has exited.
      const readings = readingSeries(METERS, 3000, Date.now() - 60_000);
      let exited = false;
      try {
        const publishing = pub.publishReadings(readings, { window: 50, stopWhen: () => exited });
        await waitFor(
          'readings spooled, not yet flushed',
          async () => (await readMetric(wl.httpUrl, 'wattledger_spool_depth')) >= 500,
          { timeoutMs: 60_000, intervalMs: 20 },
        );
        const signalled = Date.now();
        await wl.process.stop(30_000);
        const exit = await wl.process.exited;
        const tookMs = Date.now() - signalled;
        exited = true;
        expect(exit).toEqual({ code: 0, signal: null });
        expect(tookMs).toBeLessThan(10_000);
        // Everything it had acknowledged reached InfluxDB before it exited: the
        // spool it leaves is empty.
        const spool = openSpool(
          path.join(tmp.dir, 'sigterm-ingest-0', 'spool-sigterm-ingest-0.db'),
        );
        try {
          expect(spool.pending()).toBe(0);
        } finally {
          spool.close();
        }
        const stored = await influxReadings(influxUrl, db);
        expect(stored.size).toBeGreaterThan(0);
        // Publishing went on until it had exited (under load); the broker queued
        // the rest for its session.
        const acked = await publishing;
        expect(acked.length).toBeLessThan(readings.length);
        expect(acked.length).toBeGreaterThan(stored.size);

        await wl.restart();
        const expected = new Map(acked.map((r) => [keyOf(r), r.importWh]));
        let inStore = new Map<string, number>();
        await waitFor(
          "the session's queue stored after the restart",
          async () => {
            inStore = await influxReadings(influxUrl, db);
            return inStore.size >= expected.size;
          },
          { timeoutMs: 120_000, intervalMs: 250 },
        );
        expect(inStore.size).toBe(expected.size);
        for (const [key, importWh] of expected) expect(inStore.get(key), key).toBe(importWh);
      } finally {
        await pub.close();
        await wl.process.stop();
      }
    }, 240_000);
  },
);
