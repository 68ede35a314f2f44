import { Registry } from 'prom-client';
import { createApp } from '../../src/api/app.js';
import type { AppDeps } from '../../src/api/deps.js';
import { hashApiKey } from '../../src/auth/api-key.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { ADMIN_KEY, type TestApi } from '../support/api.js';

/**
 * A TestApi whose app is built with some deps of the caller's (limits, a metrics token, a wrapped
 * store, a clock), over a SQLite ledger and store in memory: for the HTTP safeguards, which
 * createTestApi leaves at their defaults.
 */
export async function createCustomApi(
  overrides: Partial<Omit<AppDeps, 'store'>> & {
    wrapStore?: (store: ReadingStore) => ReadingStore;
  } = {},
): Promise<TestApi> {
  const ledger = openLedger('sqlite::memory:');
  await migrateLedger(ledger);
  const inner = createSqliteStore({ path: ':memory:' });
  await inner.init();
  const { wrapStore, ...deps } = overrides;
  const store = wrapStore?.(inner) ?? inner;
  const clock = deps.clock ?? systemClock;
  const app = createApp({
    ops: { registry: new Registry(), probes: {} },
    db: ledger.db,
    store,
    clock,
    log: createLogger('silent'),
    adminKeyHash: hashApiKey(ADMIN_KEY),
    ...deps,
  });
  return {
    app,
    ledger,
    store,
    clock,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const key = o.key === undefined ? ADMIN_KEY : o.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const json = o.body === undefined ? undefined : JSON.stringify(o.body);
      if (json !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.request(path, { method, headers, body: json ?? o.rawBody });
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      const body = type.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text;
      return { status: res.status, type, body };
    },
    async close() {
      await inner.close();
      await ledger.close();
    },
  };
}
