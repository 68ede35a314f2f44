import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { StoreWriteError } from '../../src/readings/reading-store.js';
import { influxNow, startInfluxd, type InfluxdHandle } from '../harness/influxd.js';
import { haveInfluxd } from '../harness/services.js';
import { describeStoreContract } from './store-contract.js';

const influxUrl = inject('influxUrl');
// '' means global setup found no influxd and REQUIRE_SERVICES is not 1;
// haveInfluxd() repeats the banner here.
const available = influxUrl !== '' && haveInfluxd();
const uniqueDb = (label: string) => `wl_${label}_${randomBytes(4).toString('hex')}`;
const reading = (meterId: string, ts: number) => ({
  meterId,
  ts,
  importWh: 100,
  powerW: 12.5,
  receivedAt: ts + 1,
});
const T = Date.UTC(2026, 1, 1);

/** Drop a test database so the shared influxd does not accumulate shards over a run. */
async function dropDatabase(database: string): Promise<void> {
  await createInfluxClient({ url: influxUrl, database }).query(`DROP DATABASE "${database}"`, {
    db: false,
  });
}

describe.skipIf(!available)('influxdb store (shared influxd 1.x)', () => {
  describeStoreContract('influxdb', async () => {
    const database = uniqueDb('contract');
    return {
      store: createInfluxStore({ url: influxUrl, database }),
      cleanup: () => dropDatabase(database),
    };
  });

  it('a field type conflict is a set-up problem (foreign points of another type): retryable, with the server text', async () => {
    const database = uniqueDb('conflict');
    const store = createInfluxStore({ url: influxUrl, database });
    await store.init();
    try {
      // Someone else wrote import_wh as a float into this shard first; the
      // adapter always writes integers.
      const res = await fetch(`${influxUrl}/write?db=${database}&precision=ms`, {
        method: 'POST',
        body: `meter_reading,meter_id=other import_wh=1.5 ${T}`,
      });
      expect(res.status).toBe(204);
      const err = await store.writeBatch([reading('m-1', T + 1000)]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreWriteError);
      expect(err).toMatchObject({
        retryable: true,
        status: 400,
        message: expect.stringMatching(/field type conflict/),
      });
    } finally {
      await dropDatabase(database);
    }
  });

  it('a point older than the retention policy is a data problem: not retryable', async () => {
    const database = uniqueDb('retention');
    const store = createInfluxStore({ url: influxUrl, database });
    await store.init();
    try {
      const q = new URLSearchParams({
        q: `CREATE RETENTION POLICY "hour" ON "${database}" DURATION 1h REPLICATION 1 DEFAULT`,
      });
      expect((await fetch(`${influxUrl}/query`, { method: 'POST', body: q })).status).toBe(200);
      // InfluxDB judges a point's age by its own clock, which libfaketime does not move.
      const old = reading('m-1', (await influxNow(influxUrl)) - 3 * 3_600_000);
      const err = await store.writeBatch([old]).catch((e: unknown) => e);
      expect(err).toMatchObject({
        name: 'StoreWriteError',
        retryable: false,
        status: 400,
        message: expect.stringMatching(/retention policy/),
      });
    } finally {
      await dropDatabase(database);
    }
  });

  it('a missing database is answered 404 and retried (a set-up problem, not a data problem)', async () => {
    const store = createInfluxStore({ url: influxUrl, database: uniqueDb('missing') });
    const err = await store.writeBatch([reading('m-1', T)]).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'StoreWriteError',
      retryable: true,
      status: 404,
      message: expect.stringMatching(/database not found/),
    });
    await expect(store.latest('m-1')).rejects.toThrow(/database not found/);
  });

  it('deletes ranges while other databases are dropped (1.6 then fails some DELETEs: engine is closed)', async () => {
    const database = uniqueDb('churned');
    const store = createInfluxStore({ url: influxUrl, database });
    await store.init();
    // Another database created, given a shard and dropped, over and over, until the deletes end.
    let dropped = 0;
    let deleting = true;
    const churn = (async () => {
      while (deleting && dropped < 2_000) {
        const other = uniqueDb('dropped');
        await createInfluxStore({ url: influxUrl, database: other }).init();
        await fetch(`${influxUrl}/write?db=${other}&precision=ms`, {
          method: 'POST',
          body: `meter_reading,meter_id=x import_wh=1i ${T}`,
        });
        await dropDatabase(other);
        dropped += 1;
      }
    })();
    let removed = 0;
    let rounds = 0;
    try {
      // At least 300 deletes and 100 drops: without the retry about one DELETE in a hundred fails.
      while ((rounds < 300 || dropped < 100) && rounds < 5_000) {
        const ts = T + rounds * 1000;
        await store.writeBatch([reading('m-1', ts), reading('m-1', ts + 500)]);
        removed += await store.deleteRanges('m-1', [
          { from: ts, to: ts },
          { from: ts + 500, to: ts + 600 },
        ]);
        rounds += 1;
      }
    } finally {
      deleting = false;
      await churn;
      await dropDatabase(database);
    }
    expect(dropped).toBeGreaterThanOrEqual(100);
    expect(removed).toBe(2 * rounds);
  });

  it('windows bounds must be integer epoch ms', async () => {
    const store = createInfluxStore({ url: influxUrl, database: uniqueDb('bounds') });
    await expect(store.windows([{ meterId: 'm', from: 1.5, to: 2 }])).rejects.toThrow(RangeError);
  });
});

describe.skipIf(!available)('influxdb store during an outage (private influxd)', () => {
  let influxd: InfluxdHandle;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.dispose();
  });

  it('a stopped server is an outage (retryable); after restart the data is still there and writes resume', async () => {
    const store = createInfluxStore({ url: influxd.url, database: 'outage', timeoutMs: 5000 });
    await store.init();
    await store.writeBatch([reading('m-1', T)]);

    await influxd.stop();
    const err = await store.writeBatch([reading('m-1', T + 1000)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreWriteError);
    expect(err).toMatchObject({
      retryable: true,
      status: undefined,
      message: expect.stringMatching(/ECONNREFUSED/),
    });
    await expect(store.ping()).rejects.toThrow(/ping failed/);

    await influxd.start();
    await store.writeBatch([reading('m-1', T + 1000)]);
    const w = await store.windows([{ meterId: 'm-1', from: T, to: T + 1000 }]);
    expect(w.get('m-1')?.inside.map((r) => r.ts)).toEqual([T, T + 1000]);
  });
});

describe('influxdb store against a server that never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and stays silent: what a hung server or a black-holed route looks like.
    server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('times out as a retryable StoreWriteError', async () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const store = createInfluxStore({
      url: `http://127.0.0.1:${address.port}`,
      database: 'x',
      timeoutMs: 300,
    });
    const err = await store.writeBatch([reading('m-1', T)]).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'StoreWriteError',
      retryable: true,
      message: expect.stringMatching(/timed out/),
    });
  });
});
