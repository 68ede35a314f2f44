import { parisHousehold } from '../support/paris-household.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet, type MeterDefinition } from '../../simulators/fleet.js';
import { bindFleet, SIM_FORMATS } from '../../simulators/formats/device.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import type { SimulationReport } from '../../simulators/simulation-report.js';
import { decodeDeviceMessage, decodePayload } from '../../simulators/wire-check.js';
import type { Meter } from '../../src/fleet/meter.js';
import { addMeter } from '../../src/fleet/meters-repo.js';
import { fleetLogins } from '../../src/broker/device-access.js';
import { brokerAuthFiles } from '../../src/broker/mosquitto-auth.js';
import type { Rejection } from '../../src/ingest/rejection.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { startInstance, tempDir, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';

const DAY = 86_400_000;
const ZONE = 'Europe/Paris';

/** Two meters per format, wattledger's own included, each device on its family's usual topic. */
function mixedFleet(installedAt: number, prefix: string): MeterDefinition[] {
  const base = makeFleet({ meters: 2 * SIM_FORMATS.length, seed: 21, prefix, installedAt });
  return SIM_FORMATS.flatMap((format, i) =>
    bindFleet(base.slice(2 * i, 2 * i + 2), { format, timezone: ZONE }),
  );
}

/** A household in Paris whose contract holds every meter, each bound as the simulator speaks. */
async function bindFleetInLedger(
  ledgerUrl: string,
  fleet: readonly MeterDefinition[],
): Promise<Meter[]> {
  return parisHousehold(
    ledgerUrl,
    { name: 'Simulated household', since: '2020-01-01T00:00:00Z' },
    async (deps, contractId) => {
      for (const m of fleet)
        await addMeter(deps, {
          id: m.meterId,
          contractId,
          installedAt: new Date(m.installedAt!).toISOString(),
          ...(m.device === undefined
            ? {}
            : { format: m.device.format, source: { topic: m.device.topic, ...m.device.options } }),
        });
    },
  );
}

const registersOf = (r: Pick<Reading, 'importWh' | 'exportWh' | 'registers'>) => ({
  importWh: r.importWh,
  exportWh: r.exportWh ?? undefined,
  registers: r.registers ?? undefined,
});

const influxUrl = inject('influxUrl');
const modes = [
  { name: 'Mosquitto (generated ACL) -> ingest -> InfluxDB', external: true, prefix: 'sdx-' },
  { name: 'aedes -> ingest -> SQLite (embedded default)', external: false, prefix: 'sde-' },
] as const;

describe.each(modes)('simulator speaking every device format -> $name', ({ external, prefix }) => {
  const skip = external && influxUrl === '';
  const tmp = tempDir('wl-sim-formats-');
  const ledgerUrl = `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
  let broker: MosquittoHandle | undefined;
  let wl: TestInstance;
  let store: ReadingStore;
  const from = Date.now() - 2 * DAY;
  const fleet = mixedFleet(from - DAY, prefix);

  beforeAll(async () => {
    if (skip) return;
    const meters = await bindFleetInLedger(ledgerUrl, fleet);
    if (external) {
      // Every device logs in with its own login, which the generated ACL confines to its tree.
      const logins = fleetLogins(meters);
      const ingest = { username: 'sim-formats-ingest', password: 'sim-formats-ingest-password' };
      const files = brokerAuthFiles({
        meterIds: logins.logins,
        devices: logins.devices,
        meterSecret: TEST_METER_SECRET,
        ingest,
      });
      mkdirSync(path.join(tmp.dir, 'auth'));
      const passwordFile = path.join(tmp.dir, 'auth', 'passwd');
      const aclFile = path.join(tmp.dir, 'auth', 'acl');
      writeFileSync(passwordFile, files.passwordFile);
      writeFileSync(aclFile, files.aclFile);
      broker = await startMosquitto({ auth: { passwordFile, aclFile } });
      const db = `sim_formats_${process.pid}`;
      wl = await startInstance({
        DATABASE_URL: ledgerUrl,
        MQTT_URL: broker.url,
        MQTT_USERNAME: ingest.username,
        MQTT_PASSWORD: ingest.password,
        MQTT_CLIENT_ID: 'sim-formats-ingest',
        INFLUX_URL: influxUrl,
        INFLUX_DB: db,
      });
      store = createReadingStore({ influxUrl, influxDb: db, sqlitePath: '' });
    } else {
      wl = await startInstance({ DATABASE_URL: ledgerUrl });
      store = createReadingStore({
        influxDb: '',
        sqlitePath: path.join(wl.dataDir, 'readings.db'),
      });
    }
    await store.init();
    await waitFor('ingest subscribed', () => wl.running.ingest?.brokerConnected() === true, {
      timeoutMs: 30_000,
    });
    // Resolves once the device topics' subscriptions are answered.
    await wl.running.ingest!.meterChanged(fleet[0]!.meterId);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await wl?.stop();
    await broker?.dispose();
    tmp.cleanup();
  });

  it.skipIf(skip)(
    'stores what the report expects, at the device time or at receipt, and rejects the rest',
    async () => {
      const report: SimulationReport = await runSimulation(
        {
          mqttUrl: wl.running.mqttUrl,
          meters: fleet.length,
          fleet,
          interval: '15m',
          from,
          // Up to now: a device without a clock sends only its current state (a reading at most one
          // interval old), so stopping a minute short would leave them nothing to send whenever the
          // run starts in the first minute of a quarter hour.
          until: Date.now(),
          seed: 11,
          faults: {
            duplicate: 0.02,
            outOfOrder: 0.02,
            late: 0.02,
            malformed: 0.01,
            registerDecrease: 0.01,
            clockSkew: 0.01,
          },
          meterSecret: TEST_METER_SECRET,
        },
        { clock: systemClock },
      );
      expect(report.unacked + report.failed).toBe(0);
      // Two days of quarter hours from every meter that states its time.
      expect(report.expectedStored.size).toBeGreaterThan(5 * 2 * 96);
      const devices = new Map(fleet.map((m) => [m.meterId, m.device]));
      // A reading rejected after parsing (a future time, a lower register) is filed in wire form:
      // it is known by its time, as its format reads it.
      const timeOf = (meterId: string, payload: string): number | undefined => {
        const device = devices.get(meterId);
        const d =
          device === undefined
            ? decodePayload(payload)
            : decodeDeviceMessage(meterId, device, payload, Date.now());
        return d.ok ? d.readings[0]?.ts : undefined;
      };
      const expectedRejections = [
        ...report.faults.injected.flatMap((f) =>
          f.expectedReason === undefined
            ? []
            : [
                {
                  meterId: f.meterId,
                  reason: f.expectedReason,
                  payload: f.payload,
                  ts: timeOf(f.meterId, f.payload ?? ''),
                },
              ],
        ),
        ...report.quirks.rejections.map((q) => ({
          meterId: q.meterId,
          reason: q.expectedReason,
          payload: q.payload,
          ts: undefined,
        })),
      ];
      expect(expectedRejections).toHaveLength(report.rejectsPublished);

      const stored = async () => {
        const windows = await store.windows(
          fleet.map((m) => ({ meterId: m.meterId, from: 0, to: Date.now() + 2 * 3_600_000 })),
        );
        return [...windows.values()].flatMap((w) => w.inside);
      };
      const ledger = openLedger(wl.ledgerUrl);
      const rejections = async (): Promise<Rejection[]> =>
        (await listRejections(ledger.db, { limit: 100_000 })).items;
      const expectedCount = report.expectedStored.size + report.expectedAtReceipt.length;
      try {
        await waitFor(
          'every reading stored and every expected rejection recorded',
          async () =>
            (await stored()).length >= expectedCount &&
            (await rejections()).length >= expectedRejections.length,
          { timeoutMs: 120_000, intervalMs: 250 },
        ).catch(async (e: unknown) => {
          throw new Error(
            `${(e as Error).message}: stored ${(await stored()).length}/${expectedCount}, rejections ${JSON.stringify((await rejections()).map((j) => `${j.meterId} ${j.reason} ${j.detail}`))}`,
          );
        });

        const inStore = await stored();
        const atMeterTime = inStore.filter((r) => r.tsSource !== 'received');
        expect(atMeterTime).toHaveLength(report.expectedStored.size);
        for (const r of atMeterTime) {
          const sent = report.expectedStored.get(`${r.meterId}@${r.ts}`);
          expect(sent, `${r.meterId}@${r.ts} stored but never sent at that time`).toBeDefined();
          expect(registersOf(r)).toEqual(registersOf(sent!));
        }
        // Without a time of their own: stored at receipt, in the order sent, with their registers.
        const atReceipt = inStore.filter((r) => r.tsSource === 'received');
        const untimed = new Set(report.expectedAtReceipt.map((r) => r.meterId));
        for (const meterId of untimed)
          expect(atReceipt.filter((r) => r.meterId === meterId).map(registersOf), meterId).toEqual(
            report.expectedAtReceipt.filter((r) => r.meterId === meterId).map(registersOf),
          );
        expect(atReceipt).toHaveLength(report.expectedAtReceipt.length);
        for (const r of atReceipt) expect(r.ts).toBeGreaterThanOrEqual(r.receivedAt - 1);

        const rejected = await rejections();
        const wireTs = (j: Rejection) => {
          const d = decodePayload(j.payload);
          return d.ok ? d.readings[0]?.ts : undefined;
        };
        expect(rejected).toHaveLength(expectedRejections.length);
        for (const want of expectedRejections)
          expect(
            rejected.find(
              (j) =>
                j.meterId === want.meterId &&
                j.reason === want.reason &&
                (j.payload === want.payload ||
                  ((want.reason === 'future_timestamp' || want.reason === 'register_decrease') &&
                    wireTs(j) === want.ts)),
            ),
            `${want.meterId} ${want.reason} ${want.payload?.slice(0, 60)}`,
          ).toBeDefined();
        // Every format's meters stored readings.
        for (const m of fleet)
          expect(
            inStore.some((r) => r.meterId === m.meterId),
            m.meterId,
          ).toBe(true);
      } finally {
        await ledger.close();
      }
    },
    300_000,
  );
});
