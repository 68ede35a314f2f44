import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet } from '../../simulators/fleet.js';
import { FAULT_KINDS } from '../../simulators/injected-faults.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import type { SimulationReport } from '../../simulators/simulation-report.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';
import type { Rejection } from '../../src/ingest/rejection.js';

const DAY = 86_400_000;
const influxUrl = inject('influxUrl');
const modes = [
  { name: 'simulator -> Mosquitto -> ingest -> InfluxDB', external: true },
  { name: 'simulator -> aedes -> ingest -> SQLite (embedded default)', external: false },
] as const;

describe.each(modes)('$name', ({ external }) => {
  const skip = external && (influxUrl === '' || inject('mqttUrl') === '');
  let broker: MosquittoHandle | undefined;
  let wl: TestInstance;
  let store: ReadingStore;
  const from = Date.now() - 2 * DAY;
  const fleet = makeFleet({
    meters: 8,
    seed: 7,
    prefix: external ? 'e2e-x-' : 'e2e-e-',
    installedAt: from - DAY,
  });

  beforeAll(async () => {
    if (skip) return;
    const ids = fleet.map((m) => m.meterId);
    if (external) {
      broker = await startMosquitto();
      const db = `e2e_${process.pid}`;
      wl = await startInstance(
        {
          MQTT_URL: broker.url,
          INFLUX_URL: influxUrl,
          INFLUX_DB: db,
          MQTT_CLIENT_ID: 'e2e-ingest',
        },
        ids,
      );
      store = createReadingStore({ influxUrl, influxDb: db, sqlitePath: '' });
    } else {
      wl = await startInstance({}, ids);
      store = createReadingStore({
        influxDb: '',
        sqlitePath: path.join(wl.dataDir, 'readings.db'),
      });
    }
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await wl?.stop();
    await broker?.dispose();
  });

  it.skipIf(skip)(
    'stores every valid reading exactly once and rejects every injected fault with its reason',
    async () => {
      const report: SimulationReport = await runSimulation(
        {
          mqttUrl: wl.running.mqttUrl,
          meters: fleet.length,
          fleet,
          interval: '15m',
          from,
          until: Date.now() - 60_000,
          seed: 11,
          faults: {
            duplicate: 0.02,
            outOfOrder: 0.02,
            late: 0.02,
            malformed: 0.01,
            registerDecrease: 0.01,
            clockSkew: 0.01,
          },
          outageRate: 0.005,
          meterSecret: TEST_METER_SECRET,
        },
        { clock: systemClock },
      );
      expect(report.unacked + report.failed).toBe(0);
      const expectedFaults = report.faults.injected.filter((f) => f.expectedReason !== undefined);
      for (const kind of FAULT_KINDS) {
        expect(report.faults.counts[kind], kind).toBeGreaterThan(0);
      }

      const stored = async () => {
        const windows = await store.windows(
          fleet.map((m) => ({ meterId: m.meterId, from: 0, to: Date.now() + 2 * 3_600_000 })),
        );
        return [...windows.values()].flatMap((w) => w.inside);
      };
      const ledger = openLedger(wl.ledgerUrl);
      const rejections = async (): Promise<Rejection[]> =>
        (await listRejections(ledger.db, { limit: 100_000 })).items;
      try {
        await waitFor(
          'every reading stored and every fault rejected',
          async () =>
            (await stored()).length >= report.expectedStored.size &&
            (await rejections()).length >= expectedFaults.length,
          { timeoutMs: 120_000, intervalMs: 250 },
        ).catch(async (e: unknown) => {
          throw new Error(
            `${(e as Error).message}: stored ${(await stored()).length}/${report.expectedStored.size}, rejections ${JSON.stringify((await rejections()).map((j) => j.reason))} of ${JSON.stringify(expectedFaults.map((f) => f.expectedReason))}`,
          );
        });

        const inStore = await stored();
        expect(inStore.length).toBe(report.expectedStored.size);
        for (const r of inStore) {
          const sent = report.expectedStored.get(`${r.meterId}@${r.ts}`);
          expect(sent, `${r.meterId}@${r.ts} was stored but never sent as valid`).toBeDefined();
          expect([r.importWh, r.exportWh]).toEqual([sent?.importWh, sent?.exportWh]);
        }

        const rejected = await rejections();
        expect(rejected).toHaveLength(expectedFaults.length);
        const tsOf = (j: Rejection) => {
          try {
            const v = (JSON.parse(j.payload) as { ts?: unknown }).ts;
            return typeof v === 'string' ? Date.parse(v) : v;
          } catch {
            return undefined;
          }
        };
        for (const f of expectedFaults) {
          const match = rejected.find(
            (j) =>
              j.reason === f.expectedReason &&
              j.meterId === f.meterId &&
              (j.payload === f.payload || (f.ts !== undefined && tsOf(j) === f.ts)),
          );
          expect(
            match,
            `${f.kind} ${f.meterId} ${f.ts ?? f.payload?.slice(0, 40)} -> ${f.expectedReason}`,
          ).toBeDefined();
        }
        expect(await wl.metric('wattledger_readings_duplicate_total')).toBeGreaterThanOrEqual(
          report.faults.counts.duplicate,
        );
      } finally {
        await ledger.close();
      }
    },
    300_000,
  );
});
