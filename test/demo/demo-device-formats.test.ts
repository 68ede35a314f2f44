import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DEVICES } from '../../src/demo/demo-devices.js';
import { listMeters } from '../../src/fleet/meters-repo.js';
import type { Meter } from '../../src/fleet/meter.js';
import { listRejections } from '../../src/ingest/rejections-repo.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';

const DAY = 86_400_000;

describe('the zero-configuration demo mixes device formats', () => {
  let wl: TestInstance;
  let store: ReadingStore;
  let meters: Meter[];
  let ledger: LedgerConnection;

  beforeAll(async () => {
    // `npm start` with nothing configured, in this process: the demo seeds the empty ledger and
    // runs the simulator against the embedded broker. Six households: the first keeps
    // wattledger's format, the other five speak one device format each.
    wl = await startInstance({
      DEMO: 'on',
      SIMULATOR: 'on',
      SIMULATOR_METERS: '6',
      SETTLE_CRON: 'off',
    });
    ledger = openLedger(wl.ledgerUrl);
    store = createReadingStore({ influxDb: '', sqlitePath: path.join(wl.dataDir, 'readings.db') });
    await store.init();
    meters = await listMeters(ledger.db);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await ledger?.close();
    await wl?.stop();
  });

  it('binds the last households to devices of every format, on their own topics', () => {
    expect(meters.map((m) => [m.id, m.format, m.source?.topic ?? null, m.login])).toEqual([
      ['demo-0001', 'wattledger', null, 'demo-0001'],
      ...DEMO_DEVICES.map((d, i) => [
        `demo-000${i + 2}`,
        d.format,
        d.topic,
        d.login ?? `demo-000${i + 2}`,
      ]),
    ]);
  });

  it('stores readings of each device format, as each device tells its time', async () => {
    const now = Date.now();
    const latest = async (id: string) => store.latest(id);
    for (const m of meters)
      await waitFor(
        `a reading of ${m.id} (${m.format})`,
        async () => (await latest(m.id)) !== undefined,
        {
          timeoutMs: 180_000,
          intervalMs: 250,
        },
      );
    // Devices with a clock send the 60-day backlog; teleinfo (none) its current frame only.
    for (const m of meters.filter((x) => x.format !== 'teleinfo'))
      await waitFor(
        `the backlog of ${m.id} (${m.format})`,
        async () => {
          const w = (await store.windows([{ meterId: m.id, from: 0, to: now + DAY }])).get(m.id);
          return (w?.inside.length ?? 0) >= 59 * 96 && (w?.inside[0]?.ts ?? now) < now - 59 * DAY;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );
    const byFormat = new Map(meters.map((m) => [m.format, m.id]));
    const teleinfo = await latest(byFormat.get('teleinfo')!);
    expect(teleinfo).toMatchObject({ tsSource: 'received' });
    expect(teleinfo?.registers).toEqual({ BASE: teleinfo?.importWh });
    expect(teleinfo?.exportWh).toBeUndefined();
    const dsmr = await latest(byFormat.get('dsmr-p1')!);
    expect(dsmr?.registers).toEqual({ '1.8.0': dsmr?.importWh });
    for (const format of ['shelly-gen2', 'dsmr-p1', 'zigbee2mqtt'] as const) {
      const r = await latest(byFormat.get(format)!);
      expect(r?.tsSource ?? 'meter', format).toBe('meter');
    }

    // Nothing was refused: the only rejections are states a Zigbee plug sends without its energy.
    const rejected = (await listRejections(ledger.db, { limit: 10_000 })).items;
    for (const j of rejected)
      expect([j.meterId, j.reason]).toEqual([byFormat.get('zigbee2mqtt'), 'no_reading']);
  }, 400_000);
});
