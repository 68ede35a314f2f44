// Shared by bench:api and bench:healthz: meters with a month of 15-minute readings in InfluxDB, and
// a compiled wattledger over them with one contract holding those meters (interval consent, so
// 15-minute buckets may be shown) and a staff key.
import Database from 'better-sqlite3';
import path from 'node:path';
import { freePort } from '../test/harness/ports.js';
import { spawnWattledger, type ChildInstance } from '../test/support/child-instance.js';
import { createInfluxStore } from '../src/readings/influx/influx-store.js';
import type { Reading } from '../src/readings/reading.js';

export const DAY_MS = 86_400_000;
export const STEP_MS = 15 * 60_000;
/** October 2026: 31 days, with the Paris DST change on the 25th. */
export const MONTH_START = Date.UTC(2026, 9, 1);
/** The bench's bootstrap admin key. */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** `count` meter ids, `<prefix>-00000` on. */
export const benchMeterIds = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

/**
 * Write `days` days of 15-minute readings from MONTH_START (and the one before, so the first
 * quarter hour has a start) of every meter into InfluxDB `database`, four meters at a time.
 * Answers the number of readings written.
 */
export async function loadMonth(
  url: string,
  database: string,
  meterIds: readonly string[],
  days: number,
): Promise<number> {
  const store = createInfluxStore({ url, database });
  await store.init();
  const perMeter = (days * DAY_MS) / STEP_MS + 1;
  let next = 0;
  const writer = async () => {
    for (let m = next++; m < meterIds.length; m = next++) {
      const batch: Reading[] = [];
      for (let i = 0; i < perMeter; i += 1) {
        const ts = MONTH_START - STEP_MS + i * STEP_MS;
        batch.push({
          meterId: meterIds[m]!,
          ts,
          importWh: 1_000_000 + m + i * 90 + (i % 7),
          exportWh: 0,
          powerW: 360,
          receivedAt: ts,
        });
      }
      await store.writeBatch(batch);
    }
  };
  try {
    await Promise.all(Array.from({ length: 4 }, writer));
  } finally {
    await store.close();
  }
  return meterIds.length * perMeter;
}

/**
 * Wait until the instance's jobs have summarised every day up to `through` (its first pass starts
 * at the next minute and reads every loaded reading once); answers how long that took, in
 * seconds. Reads the SQLite ledger in `dataDir`.
 */
export async function awaitDaySummaries(dataDir: string, through: number): Promise<number> {
  const started = performance.now();
  const db = new Database(path.join(dataDir, 'ledger.db'), { readonly: true, fileMustExist: true });
  try {
    for (let i = 0; i < 36_000; i++) {
      const row = db.prepare('SELECT through_ms FROM reading_days_state').get() as
        { through_ms: number } | undefined;
      if (row !== undefined && Number(row.through_ms) >= through)
        return Math.round((performance.now() - started) / 100) / 10;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the day summaries did not complete within an hour');
  } finally {
    db.close();
  }
}

export interface ApiBench {
  readonly wl: ChildInstance;
  /** Headers of the staff key: every consumption request of the benches uses it. */
  readonly staffHeaders: Record<string, string>;
}

/**
 * The compiled wattledger on loopback over InfluxDB `database` at `influxUrl` (no crons), with one
 * contract holding `meterIds` at interval consent and a staff key. `env` adds to or overrides its
 * environment.
 */
export async function startApiBench(opts: {
  readonly influxUrl: string;
  readonly database: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly meterIds: readonly string[];
  readonly nodeArgs: readonly string[];
  readonly env?: Record<string, string>;
}): Promise<ApiBench> {
  const wl = await spawnWattledger(
    {
      INFLUX_URL: opts.influxUrl,
      INFLUX_DB: opts.database,
      DATA_DIR: opts.dataDir,
      MQTT_PORT: String(await freePort()),
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      // No cron in the measured process: settling the bench's one large contract at a quarter
      // hour would compete with the load.
      SETTLE_CRON: 'off',
      RETENTION_CRON: 'off',
      ...opts.env,
    },
    opts.logFile,
    { compiled: true, nodeArgs: opts.nodeArgs },
  );
  try {
    const auth = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
    const send = async (method: string, p: string, body: unknown, status: number) => {
      const res = await fetch(`${wl.httpUrl}${p}`, {
        method,
        headers: auth,
        body: JSON.stringify(body),
      });
      if (res.status !== status)
        throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; key?: string };
    };
    const post = (p: string, body: unknown) => send('POST', p, body, 201);
    const customer = await post('/v1/customers', { name: 'Bench' });
    const tariff = await post('/v1/tariffs', {
      name: 'Flat',
      currency: 'EUR',
      versions: [
        {
          validFrom: '2020-01-01T00:00:00Z',
          standingChargePerDay: '0.40',
          energy: { type: 'flat', rate: '0.20' },
          taxes: [],
        },
      ],
    });
    const contract = await post('/v1/contracts', {
      customerId: customer.id,
      tariffId: tariff.id,
      // The zone the benches ask in: day and month cuts in the contract's zone read the day
      // summaries, as a customer's app does.
      timezone: 'UTC',
      startsAt: '2026-01-01T00:00:00Z',
    });
    for (const id of opts.meterIds)
      await post('/v1/meters', {
        id,
        contractId: contract.id,
        installedAt: '2026-01-01T00:00:00Z',
      });
    // The benches ask for 15-minute buckets: that needs the customer's interval consent.
    await send('PUT', `/v1/contracts/${contract.id}/consent`, { granularity: 'interval' }, 200);
    const staff = await post('/v1/api-keys', { role: 'staff' });
    return { wl, staffHeaders: { authorization: `Bearer ${staff.key}` } };
  } catch (e) {
    await wl.process.stop();
    throw e;
  }
}
