import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFleet, type MeterDefinition } from '../../simulators/fleet.js';
import { bindFleet, SIM_FORMATS } from '../../simulators/formats/device.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import type { SimulationReport } from '../../simulators/simulation-report.js';
import { decodeDeviceMessage, decodePayload } from '../../simulators/wire-check.js';
import { tariffSchema } from '../../src/billing/tariff-schema.js';
import { createContract } from '../../src/fleet/contracts.js';
import { createCustomer } from '../../src/fleet/customers.js';
import { addMeter } from '../../src/fleet/meters-repo.js';
import { createTariff } from '../../src/fleet/tariffs.js';
import type { Rejection } from '../../src/ingest/rejection.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { waitFor } from '../harness/process.js';
import { DESIGN_TARIFF } from '../support/design-tariff.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';

const DAY = 86_400_000;
const ZONE = 'Europe/Paris';

/** Two meters per format, wattledger's own included, each device on its family's usual topic. */
function mixedFleet(installedAt: number): MeterDefinition[] {
  const base = makeFleet({ meters: 2 * SIM_FORMATS.length, seed: 21, prefix: 'sdf-', installedAt });
  return SIM_FORMATS.flatMap((format, i) =>
    bindFleet(base.slice(2 * i, 2 * i + 2), { format, timezone: ZONE }),
  );
}

/** A household in Paris whose contract holds every meter, each bound as the simulator speaks. */
async function bindFleetInLedger(wl: TestInstance, fleet: readonly MeterDefinition[]) {
  const ledger = openLedger(wl.ledgerUrl);
  try {
    const deps = { db: ledger.db, clock: systemClock };
    const customer = await createCustomer(deps, { name: 'Simulated household', email: null });
    const tariff = await createTariff(
      deps,
      tariffSchema.parse({
        ...DESIGN_TARIFF,
        versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: '2020-01-01T00:00:00Z' }],
      }),
    );
    const contract = await createContract(deps, {
      customerId: customer.id,
      tariffId: tariff.id,
      timezone: ZONE,
      startsAt: Date.parse('2020-01-01T00:00:00Z'),
      endsAt: null,
    });
    for (const m of fleet) {
      await addMeter(deps, {
        id: m.meterId,
        contractId: contract.id,
        installedAt: new Date(m.installedAt!).toISOString(),
        ...(m.device === undefined
          ? {}
          : { format: m.device.format, source: { topic: m.device.topic, ...m.device.options } }),
      });
      await wl.running.ingest!.meterChanged(m.meterId);
    }
  } finally {
    await ledger.close();
  }
}

const registersOf = (r: Pick<Reading, 'importWh' | 'exportWh' | 'registers'>) => ({
  importWh: r.importWh,
  exportWh: r.exportWh ?? undefined,
  registers: r.registers ?? undefined,
});

describe('simulator speaking every device format -> aedes -> ingest -> SQLite', () => {
  let wl: TestInstance;
  let store: ReadingStore;
  const from = Date.now() - 2 * DAY;
  const fleet = mixedFleet(from - DAY);

  beforeAll(async () => {
    wl = await startInstance({});
    await bindFleetInLedger(wl, fleet);
    store = createReadingStore({ influxDb: '', sqlitePath: path.join(wl.dataDir, 'readings.db') });
    await store.init();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await wl?.stop();
  });

  it('stores what the report expects, at the device time or at receipt, and rejects the rest', async () => {
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
  }, 300_000);
});
