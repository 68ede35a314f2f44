import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiExchanger } from '../../simulators/api-exchanger.js';
import { makeFleet, type MeterDefinition } from '../../simulators/fleet.js';
import { alignDown } from '../../simulators/interval.js';
import type { MeterEvent } from '../../simulators/meter-events.js';
import { createMeterState } from '../../simulators/meter-state.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { createApiKey } from '../../src/fleet/api-keys.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';

const DAY = 86_400_000;
const Q = 900_000;

/**
 * The simulator's meter events through the embedded broker and the real ingest: with each meter's
 * counter rules set to match, a reset, a wrap and a jitter are stored (not rejected) on the
 * continuous index, whose increase is exactly what the simulated home consumed; an exchange made
 * through the API closes the old meter and the new one's readings are stored from its start index.
 */
describe('simulated meter events -> aedes -> ingest -> SQLite', () => {
  let wl: TestInstance;
  let store: ReadingStore;
  let ledger: ReturnType<typeof openLedger>;
  let apiKey: string;
  const from = alignDown(Date.now() - 2 * DAY, Q);
  const fleet = makeFleet({ meters: 4, seed: 21, prefix: 'ev-', installedAt: from - DAY });
  const [resetM, wrapM, jitterM, oldM] = fleet as [
    MeterDefinition,
    MeterDefinition,
    MeterDefinition,
    MeterDefinition,
  ];
  const MAX = 50_000;
  const events: MeterEvent[] = [
    { kind: 'reset', meterId: resetM.meterId, at: from + 20 * Q },
    { kind: 'wrap', meterId: wrapM.meterId, at: from + 30 * Q, registerMaxWh: MAX },
    { kind: 'jitter', meterId: jitterM.meterId, at: from + 40 * Q, dipWh: 3 },
    {
      kind: 'exchange',
      meterId: oldM.meterId,
      at: from + DAY,
      newMeterId: 'ev-new-1',
      startImportWh: 0,
    },
  ];
  const api = (p: string, init: RequestInit) =>
    fetch(`${wl.running.httpUrl}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    wl = await startInstance(
      {},
      fleet.map((m) => m.meterId),
    );
    ledger = openLedger(wl.ledgerUrl);
    apiKey = (
      await createApiKey({ db: ledger.db, clock: systemClock }, { role: 'admin', customerId: null })
    ).key;
    for (const [meterId, rules] of [
      [resetM.meterId, { counterResets: 'new-span' }],
      [wrapM.meterId, { registerMaxWh: MAX }],
      [jitterM.meterId, { decreaseToleranceWh: 5 }],
    ] as const) {
      const res = await api(`/v1/meters/${meterId}`, {
        method: 'PATCH',
        body: JSON.stringify(rules),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    store = createReadingStore({
      influxDb: '',
      sqlitePath: path.join(wl.dataDir, 'readings.db'),
    });
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await ledger?.close();
    await wl?.stop();
  });

  it('stores every event on the continuous index, with the consumption simulated', async () => {
    const report = await runSimulation(
      {
        mqttUrl: wl.running.mqttUrl,
        meters: fleet.length,
        fleet,
        interval: '15m',
        from,
        until: Date.now() - 60_000,
        seed: 5,
        // Redelivered, reordered and late readings around the events are still stored once.
        faults: { duplicate: 0.03, outOfOrder: 0.03, late: 0.03 },
        events,
        exchanger: apiExchanger({ apiUrl: wl.running.httpUrl, apiKey }),
        meterSecret: TEST_METER_SECRET,
      },
      { clock: systemClock },
    );
    expect(report.unacked + report.failed).toBe(0);
    expect(report.meterEvents.exchanged.map((x) => x.newMeterId)).toEqual(['ev-new-1']);

    const ids = [...fleet.map((m) => m.meterId), 'ev-new-1'];
    const stored = async (): Promise<Reading[]> => {
      const windows = await store.windows(
        ids.map((meterId) => ({ meterId, from: 0, to: Date.now() + 2 * 3_600_000 })),
      );
      return [...windows.values()].flatMap((w) => w.inside);
    };
    await waitFor(
      'every reading stored',
      async () => (await stored()).length >= report.expectedStored.size,
      { timeoutMs: 120_000, intervalMs: 250 },
    ).catch(async (e: unknown) => {
      throw new Error(
        `${(e as Error).message}: stored ${(await stored()).length}/${report.expectedStored.size}, rejections ${JSON.stringify((await listRejections(ledger.db, { limit: 100 })).items)}`,
      );
    });
    const inStore = await stored();
    expect((await listRejections(ledger.db, { limit: 100 })).items).toEqual([]);
    // By (meter, ts) and count: the event meters' stored values are their continuous index.
    expect(inStore).toHaveLength(report.expectedStored.size);
    const withEvents = new Set([resetM, wrapM, jitterM].map((m) => m.meterId));
    for (const r of inStore) {
      const sent = report.expectedStored.get(`${r.meterId}@${r.ts}`);
      expect(sent, `${r.meterId}@${r.ts} was stored but never sent`).toBeDefined();
      if (!withEvents.has(r.meterId))
        expect([r.meterId, r.importWh, r.exportWh]).toEqual([
          r.meterId,
          sent?.importWh,
          sent?.exportWh,
        ]);
    }

    const of = (id: string) => inStore.filter((r) => r.meterId === id).sort((a, b) => a.ts - b.ts);
    const eventAt = (id: string, event: string) => of(id).find((r) => r.span?.event === event)?.ts;
    expect(eventAt(resetM.meterId, 'reset')).toBe(from + 21 * Q);
    expect(eventAt(wrapM.meterId, 'wrap')).toBe(from + 30 * Q);
    expect(eventAt(jitterM.meterId, 'dip')).toBe(from + 40 * Q);
    expect(eventAt(oldM.meterId, 'removed')).toBe(from + DAY);
    expect(of(oldM.meterId).at(-1)?.ts).toBe(from + DAY);
    expect(of('ev-new-1')[0]).toMatchObject({ ts: from + DAY, importWh: 0 });

    // Exact Wh: the stored index rises by what the simulated home consumed, across every event.
    for (const m of [resetM, wrapM, jitterM]) {
      const truth = createMeterState(m, { intervalMs: Q, startTs: from });
      const rs = of(m.meterId);
      const first = rs[0]!;
      const last = rs.at(-1)!;
      expect(last.importWh - first.importWh, m.meterId).toBe(
        truth.readingAt(last.ts).importWh - truth.readingAt(first.ts).importWh,
      );
      expect((last.exportWh ?? 0) - (first.exportWh ?? 0), m.meterId).toBe(
        (truth.readingAt(last.ts).exportWh ?? 0) - (truth.readingAt(first.ts).exportWh ?? 0),
      );
      // Never down: the index of every stored reading is at least the one before.
      for (let i = 1; i < rs.length; i++)
        expect(rs[i]!.importWh).toBeGreaterThanOrEqual(rs[i - 1]!.importWh);
    }
    // Across the exchange, the two meters count what the home consumed.
    const truth = createMeterState(oldM, { intervalMs: Q, startTs: from });
    const oldRs = of(oldM.meterId);
    const newRs = of('ev-new-1');
    expect(
      oldRs.at(-1)!.importWh - oldRs[0]!.importWh + newRs.at(-1)!.importWh - newRs[0]!.importWh,
    ).toBe(truth.readingAt(newRs.at(-1)!.ts).importWh - truth.readingAt(oldRs[0]!.ts).importWh);
  }, 300_000);
});
