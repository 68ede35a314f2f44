import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFleet } from '../../simulators/fleet.js';
import { createMeterState } from '../../simulators/meter-state.js';
import { DEMO_REGISTER_MAX_WH, exchangedId } from '../../src/demo/demo-meter-events.js';
import { DEMO_SEED, startDemo, type Demo } from '../../src/demo/start-demo.js';
import { listMeters } from '../../src/fleet/meters-repo.js';
import type { Meter } from '../../src/fleet/meter.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { TEST_METER_SECRET } from '../support/publisher.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const Q = 900_000;

describe('the demo shows a reset, a wrap, a jitter and an exchange', () => {
  let wl: TestInstance;
  let store: ReadingStore;
  let meters: Meter[];
  let ledger: LedgerConnection;
  let demo: Demo;
  const now = Date.now();
  // The demo's installation day, read from its ledger (not recomputed from today's date).
  let installedAt = 0;
  const at = (days: number) => installedAt + days * DAY + 10 * HOUR;

  beforeAll(async () => {
    // Five households in wattledger's format: the first (whose key is printed) keeps its meter,
    // the four others show one event each.
    wl = await startInstance({ SETTLE_CRON: 'off' });
    ledger = openLedger(wl.ledgerUrl);
    store = createReadingStore({ influxDb: '', sqlitePath: path.join(wl.dataDir, 'readings.db') });
    await store.init();
    const { ingest, log, mqttUrl } = wl.running;
    demo = await startDemo(
      { db: ledger.db, clock: systemClock, log, meters: ingest?.meters, store },
      {
        seed: true,
        simulate: true,
        mqttUrl,
        meters: 5,
        meterSecret: TEST_METER_SECRET,
        keysFile: path.join(wl.dataDir, 'demo-keys.json'),
      },
    );
  }, 60_000);
  afterAll(async () => {
    await demo?.stop();
    await store?.close();
    await ledger?.close();
    await wl?.stop();
  });

  it('stores each event on the continuous index, with the counter rules seeded', async () => {
    installedAt = (await listMeters(ledger.db)).find((m) => m.id === 'demo-0001')!.installedAt;
    const inside = async (id: string): Promise<readonly Reading[]> =>
      (await store.windows([{ meterId: id, from: 0, to: now + DAY }])).get(id)?.inside ?? [];
    const ids = ['demo-0002', 'demo-0003', 'demo-0004', exchangedId('demo-0005')];
    for (const id of ids)
      await waitFor(
        `the backlog of ${id}`,
        async () => ((await inside(id)).at(-1)?.ts ?? 0) >= now - 2 * HOUR,
        { timeoutMs: 240_000, intervalMs: 500 },
      );

    meters = await listMeters(ledger.db);
    const meter = (id: string) => meters.find((m) => m.id === id);
    expect(meter('demo-0001')).toMatchObject({ counterResets: 'reject', registerMaxWh: null });
    expect(meter('demo-0002')?.counterResets).toBe('new-span');
    expect(meter('demo-0003')?.registerMaxWh).toBe(DEMO_REGISTER_MAX_WH);
    expect(meter('demo-0004')?.decreaseToleranceWh).toBe(5);
    expect(meter('demo-0005')?.removedAt).toBe(at(40));
    expect(meter(exchangedId('demo-0005'))).toMatchObject({
      contractId: meter('demo-0005')?.contractId,
      installedAt: at(40),
    });
    expect((await listRejections(ledger.db, { limit: 100 })).items).toEqual([]);

    const eventAt = async (id: string, event: string) =>
      (await inside(id)).filter((r) => r.span?.event === event).map((r) => r.ts);
    expect(await eventAt('demo-0002', 'reset')).toEqual([at(10) + Q]);
    expect(await eventAt('demo-0003', 'wrap')).toContain(at(20));
    expect(await eventAt('demo-0004', 'dip')).toEqual([at(30)]);
    expect(await eventAt('demo-0005', 'removed')).toEqual([at(40)]);
    expect((await inside('demo-0005')).at(-1)?.ts).toBe(at(40));
    expect((await inside(exchangedId('demo-0005')))[0]).toMatchObject({
      ts: at(40),
      importWh: 0,
    });

    // The stored index rises by exactly what each simulated home consumed, across its event.
    const fleet = makeFleet({ meters: 5, seed: DEMO_SEED, prefix: 'demo-', installedAt });
    for (const def of fleet.slice(1, 4)) {
      const truth = createMeterState(def, { intervalMs: Q, startTs: installedAt });
      const rs = await inside(def.meterId);
      const [first, last] = [rs[0]!, rs.at(-1)!];
      expect(last.importWh - first.importWh, def.meterId).toBe(
        truth.readingAt(last.ts).importWh - truth.readingAt(first.ts).importWh,
      );
    }
  }, 400_000);
});
