import { Registry } from 'prom-client';
import { createApp } from '../../src/api/app.js';
import type { AppDeps } from '../../src/api/deps.js';
import { hashApiKey } from '../../src/auth/api-key.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { manualClock, systemClock, type Clock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { TEST_METER_SECRET } from './publisher.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestApi {
  readonly app: ReturnType<typeof createApp>;
  readonly ledger: LedgerConnection;
  readonly store: ReadingStore;
  readonly clock: Clock;
  /** JSON request with a bearer key; returns status, headers and parsed body. */
  call(
    method: string,
    path: string,
    opts?: {
      key?: string | null;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: unknown; type: string }>;
  close(): Promise<void>;
}

/**
 * The HTTP app over a real ledger (SQLite in memory unless `ledgerUrl` names another, e.g. a test
 * PostgreSQL database) and a real readings store (SQLite in memory unless given),
 * driven with `app.request()`.
 */
export async function createTestApi(
  opts: {
    ledgerUrl?: string;
    store?: ReadingStore;
    clock?: Clock | 'manual';
    /** Deps of the caller's on top of the defaults: limits, a metrics token, ops probes. */
    deps?: Partial<Omit<AppDeps, 'store' | 'db' | 'clock'>>;
    /** Wraps the store the app reads (e.g. to hold reads open); `close()` closes the inner one. */
    wrapStore?: (store: ReadingStore) => ReadingStore;
  } = {},
): Promise<TestApi> {
  const ledger = openLedger(opts.ledgerUrl ?? 'sqlite::memory:');
  await migrateLedger(ledger);
  const inner = opts.store ?? createSqliteStore({ path: ':memory:' });
  await inner.init();
  const store = opts.wrapStore?.(inner) ?? inner;
  const clock =
    opts.clock === 'manual' ? manualClock('2026-11-29T12:00:00Z') : (opts.clock ?? systemClock);
  const app = createApp({
    ops: { registry: new Registry(), probes: {} },
    db: ledger.db,
    store,
    clock,
    log: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    adminKeyHash: hashApiKey(ADMIN_KEY),
    meterSecret: TEST_METER_SECRET,
    ...opts.deps,
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
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await app.request(path, { method, headers, body });
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      return {
        status: res.status,
        type,
        body: type.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text,
      };
    },
    async close() {
      await inner.close();
      await ledger.close();
    },
  };
}
