import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import { openSpool } from '../../src/ingest/spool.js';
import { createCachedStore } from '../../src/readings/cache/cached-store.js';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { encodeReading } from '../../src/readings/influx/line-protocol.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { manualClock } from '../../src/shared/clock.js';
import { haveInfluxd } from '../harness/services.js';

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const meter: Reading = { meterId: 'src-1', ts: T0, importWh: 1000, receivedAt: T0 };
const customer: Reading = {
  meterId: 'src-1',
  ts: T0 + HOUR,
  importWh: 1500,
  receivedAt: T0 + HOUR,
  source: 'customer',
};
const staff: Reading = {
  meterId: 'src-1',
  ts: T0 + 2 * HOUR,
  importWh: 2100,
  exportWh: 5,
  receivedAt: T0 + 2 * HOUR,
  source: 'staff',
};

/** Who took each reading survives a write and every way of reading it back. */
async function expectSourcesKept(store: ReadingStore): Promise<void> {
  await store.init();
  await store.writeBatch([meter, customer, staff]);
  expect(await store.latest('src-1')).toEqual(staff);
  const w = (await store.windows([{ meterId: 'src-1', from: T0, to: T0 + 2 * HOUR }])).get('src-1');
  expect(w?.inside.map((r) => r.source)).toEqual([undefined, 'customer', 'staff']);
  expect(w?.inside[0]).not.toHaveProperty('source');
  // Registers-only reads too: consumption quality and a bill's basis rest on them.
  const regs = (
    await store.windows([{ meterId: 'src-1', from: T0, to: T0 + 2 * HOUR, fields: 'registers' }])
  ).get('src-1');
  expect(regs?.inside.map((r) => r.source)).toEqual([undefined, 'customer', 'staff']);
  const columns = await store.registers('src-1', T0, T0 + 2 * HOUR);
  expect([...(columns.takenBy ?? [])].sort()).toEqual([
    [T0 + HOUR, 'customer'],
    [T0 + 2 * HOUR, 'staff'],
  ]);
}

describe('who took a reading', () => {
  it('line protocol writes a source field only for a reading a person took', () => {
    expect(encodeReading(meter)).not.toMatch(/source=/);
    expect(encodeReading(customer)).toMatch(/,source="customer" /);
    expect(encodeReading(staff)).toMatch(/,source="staff" /);
  });

  it('the SQLite store keeps it', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    try {
      await expectSourcesKept(store);
    } finally {
      await store.close();
    }
  });

  it('a SQLite store created before the column gains it on init', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wl-src-'));
    const file = path.join(dir, 'readings.db');
    try {
      const old = new Database(file);
      old.exec(`CREATE TABLE meter_reading (meter_id TEXT NOT NULL, ts INTEGER NOT NULL,
        import_wh INTEGER NOT NULL, export_wh INTEGER NULL, power_w REAL NULL,
        received_at INTEGER NOT NULL, ts_source TEXT NULL, registers TEXT NULL,
        PRIMARY KEY (meter_id, ts)) STRICT, WITHOUT ROWID`);
      old.close();
      const store = createSqliteStore({ path: file });
      try {
        await expectSourcesKept(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('registers-only windows and register columns keep it, from the store and from the API cache', async () => {
    const inner = createSqliteStore({ path: ':memory:' });
    // Days before 2026-03-05 are sealed: the cache holds them.
    const store = createCachedStore(inner, {
      maxBytes: 1 << 20,
      clock: manualClock('2026-03-05T12:00:00Z'),
    });
    try {
      await store.init();
      await store.writeBatch([meter, customer, staff]);
      for (const s of [inner, store]) {
        for (const [from, to] of [
          [T0, T0 + 2 * HOUR],
          [T0 + 30 * 60_000, T0 + 90 * 60_000],
        ] as const) {
          const w = (await s.windows([{ meterId: 'src-1', from, to, fields: 'registers' }])).get(
            'src-1',
          );
          const all = [w?.before, ...(w?.inside ?? []), w?.after].filter((r) => r !== undefined);
          expect(all.map((r) => r.source)).toEqual([undefined, 'customer', 'staff']);
          const columns = await s.registers('src-1', from, to);
          expect([...(columns.takenBy ?? [])].sort()).toEqual([
            [T0 + HOUR, 'customer'],
            [T0 + 2 * HOUR, 'staff'],
          ]);
        }
      }
      expect(store.cache.bytes).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('the spool carries it to the flusher', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wl-src-spool-'));
    try {
      const spool = openSpool(path.join(dir, 'spool.db'));
      spool.append([meter, customer, staff], []);
      const got = spool.peek(10).readings;
      expect(got.map((r) => r.source)).toEqual([undefined, 'customer', 'staff']);
      expect(got[2]).toMatchObject(staff);
      spool.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const influxUrl = inject('influxUrl');
  describe.skipIf(influxUrl === '' || !haveInfluxd())('InfluxDB', () => {
    it('the InfluxDB store keeps it', async () => {
      const database = `wl_src_${randomBytes(4).toString('hex')}`;
      try {
        await expectSourcesKept(createInfluxStore({ url: influxUrl, database }));
      } finally {
        await createInfluxClient({ url: influxUrl, database }).query(
          `DROP DATABASE "${database}"`,
          { db: false },
        );
      }
    });
  });
});
