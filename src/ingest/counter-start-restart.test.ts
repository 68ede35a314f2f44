import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMeter } from '../fleet/meters-repo.js';
import { openLedger, type LedgerConnection } from '../ledger/connect.js';
import { migrateLedger } from '../ledger/migrate.js';
import { createMetrics } from '../metrics/metrics.js';
import type { Reading } from '../readings/reading.js';
import type { ReadingStore } from '../readings/reading-store.js';
import { createSqliteStore } from '../readings/sqlite/sqlite-store.js';
import { manualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { loadBindings } from './bindings/topic-bindings.js';
import { parseDeviceMessage } from './bindings/parse-device-message.js';
import { startFlusher } from './flusher.js';
import { createMeterDirectory } from './meter-directory.js';
import { listRejections } from './rejections-repo.js';
import { openSpool } from './spool.js';

const TOPIC = 'tele/plug-1/SENSOR';
const NOW = Date.parse('2026-10-20T12:00:00Z');
const S1 = '2026-01-01T00:00:00';
const S2 = '2026-10-20T10:30:00';

/** A Tasmota plug's SENSOR message at a UTC quarter hour of the day (the contract zone is UTC). */
const sensor = (time: string, totalKwh: string, startTime: string) =>
  Buffer.from(
    `{"Time":"2026-10-20T${time}:00","ENERGY":{"TotalStartTime":"${startTime}","Total":${totalKwh},"Power":85}}`,
  );

/**
 * Tasmota sends `ENERGY.TotalStartTime` in every message, and a new one means its counter was
 * reset. Ingest stores it only where it changes (or a span begins) and keeps the one in force in
 * memory; an ingest restarted with nothing in memory must still know it from the store, so that a
 * reset a new marker reveals is joined onto the index, and redeliveries stay duplicates. Real
 * spool, flusher, SQLite store and ledger; each "process" is a fresh flusher over the same store.
 */
describe('a Tasmota counter reset across ingest restarts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-counter-start-'));
  const clock = manualClock(NOW);
  const log = createLogger('silent');
  let store: ReadingStore;
  let ledger: LedgerConnection;
  let processes = 0;

  beforeAll(async () => {
    store = createSqliteStore({ path: ':memory:' });
    await store.init();
    ledger = openLedger('sqlite::memory:');
    await migrateLedger(ledger);
    await addMeter(
      { db: ledger.db, clock },
      {
        id: 'plug-1',
        installedAt: '2026-01-01T00:00:00Z',
        format: 'tasmota',
        source: { topic: TOPIC },
        // A strict rule: only the device's own marker can explain the counter going down.
        counterResets: 'reject',
      },
    );
  });
  afterAll(async () => {
    await ledger.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One ingest process from start to stop: the messages through its spool into the store. */
  async function ingest(messages: readonly Buffer[]): Promise<{ duplicates: number }> {
    const metrics = createMetrics({ collectDefault: false });
    const spool = openSpool(path.join(dir, `spool-${(processes += 1)}.db`));
    const bound = (await loadBindings(ledger.db, log)).byTopic.get(TOPIC);
    for (const payload of messages) {
      const parsed = parseDeviceMessage(TOPIC, payload, clock.now(), bound);
      spool.append(parsed.readings, parsed.rejections);
    }
    const flusher = startFlusher(
      {
        spool,
        store,
        db: ledger.db,
        meters: createMeterDirectory(ledger.db, clock),
        clock,
        metrics,
        log,
      },
      { batchSize: 1, lingerMs: 0, defaultMaxPowerW: 100_000, exclusiveWriter: true },
    );
    expect(await flusher.stop(60_000)).toBe(0);
    spool.close();
    const duplicates = (await metrics.readingsDuplicate.get()).values[0]?.value ?? 0;
    return { duplicates };
  }

  const stored = async (): Promise<readonly Reading[]> =>
    (await store.windows([{ meterId: 'plug-1', from: 0, to: NOW }])).get('plug-1')?.inside ?? [];
  const at = (time: string) => Date.parse(`2026-10-20T${time}:00Z`);

  it('stores the marker on the first reading only, while it does not change', async () => {
    await ingest([
      sensor('09:00', '1066.000', S1),
      sensor('09:15', '1066.100', S1),
      sensor('09:30', '1066.200', S1),
    ]);
    expect((await stored()).map((r) => [r.importWh, r.span])).toEqual([
      [1_066_000, { counterStart: S1 }],
      [1_066_100, undefined],
      [1_066_200, undefined],
    ]);
  });

  it('after a restart, knows the marker in force and joins a reset it reveals', async () => {
    // Reset at 10:30; the plug counted 20 Wh since.
    await ingest([sensor('10:45', '0.020', S2), sensor('11:00', '0.070', S2)]);
    expect((await stored()).slice(3).map((r) => [r.ts, r.importWh, r.span])).toEqual([
      [at('10:45'), 1_066_220, { event: 'reset', importOffsetWh: 1_066_200, counterStart: S2 }],
      [at('11:00'), 1_066_270, { importOffsetWh: 1_066_200 }],
    ]);
  });

  it('after another restart, knows the new marker from the reset and counts redeliveries once', async () => {
    const before = await stored();
    const again = await ingest([
      sensor('09:30', '1066.200', S1),
      sensor('10:45', '0.020', S2),
      sensor('11:00', '0.070', S2),
      sensor('11:15', '0.100', S2),
    ]);
    expect(again.duplicates).toBe(3);
    const now = await stored();
    expect(now.slice(0, -1)).toEqual(before);
    expect(now.at(-1)).toMatchObject({
      ts: at('11:15'),
      importWh: 1_066_300,
      span: { importOffsetWh: 1_066_200 },
    });
    expect(now.at(-1)?.span?.counterStart).toBeUndefined();
    expect((await listRejections(ledger.db, { limit: 10 })).items).toEqual([]);
  });

  it('a marker that changes while the counter still rises is a reset too', async () => {
    // Reset at 11:20, then 200 Wh: above the device's 100 Wh before, so only the marker tells.
    await ingest([sensor('11:30', '0.200', '2026-10-20T11:20:00')]);
    expect((await stored()).at(-1)).toMatchObject({
      importWh: 1_066_500,
      span: { event: 'reset', importOffsetWh: 1_066_300 },
    });
  });
});
