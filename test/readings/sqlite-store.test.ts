import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { createCachedStore } from '../../src/readings/cache/cached-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('sqlite (:memory:)', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

// The API's readings cache in front of the store keeps the contract (its own
// suite: cached-store.test.ts).
describeStoreContract('readings cache over sqlite', async () => {
  const inner = createSqliteStore({ path: ':memory:' });
  const store = createCachedStore(inner, { maxBytes: 1 << 20, clock: systemClock });
  store.resume();
  return { store, cleanup: () => store.close() };
});

describeStoreContract('sqlite (file, WAL)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-sqlite-'));
  const store = createSqliteStore({ path: path.join(dir, 'nested', 'readings.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store', () => {
  it('keeps readings across close and reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wl-sqlite-'));
    const file = path.join(dir, 'readings.db');
    try {
      const first = createSqliteStore({ path: file });
      await first.init();
      const reading = {
        meterId: 'm-1',
        ts: 1_764_440_100_000,
        importWh: 42,
        receivedAt: 1_764_440_100_500,
      };
      await first.writeBatch([reading]);
      await first.close();
      const second = createSqliteStore({ path: file });
      await second.init();
      expect(await second.latest('m-1')).toEqual(reading);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when used before init()', async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await expect(store.latest('m')).rejects.toThrow(/init\(\)/);
    await store.close();
  });
});
