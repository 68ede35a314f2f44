import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { startInstance, tempDir, type TestInstance } from '../support/instance.js';
import { connectPublisher, TEST_METER_SECRET } from '../support/publisher.js';

// The API caches the registers of sealed UTC days (src/readings/cache). Every case below first gets
// an answer into the cache, then changes the readings behind it and demands the new answer: a cache
// that missed the change would repeat the old one.
const ADMIN = 'readings-cache-admin-key-0123456789';
const DAY = 86_400_000;
const Q = 900_000;
// The real clock runs: days -10..-2 ended more than 2 h ago, so they are sealed, hence cached.
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const day = (n: number, hours = 0) => TODAY + n * DAY + hours * 3_600_000;
const iso = (t: number) => new Date(t).toISOString();
// A register rising 1 Wh a minute from day -10: every fully measured day is 1440 Wh.
const linear = (ts: number) => 1_000_000 + Math.floor((ts - day(-10)) / 60_000);
const STORED = 'wattledger_readings_stored_total';
const HITS = ['wattledger_readings_cache_requests_total', { result: 'hit' }] as const;

interface Reading {
  ts: number;
  importWh: number;
}
interface Bucket {
  start: string;
  importWh: number | null;
  quality: string;
}
interface Answer {
  buckets: Bucket[];
  totals: { importWh: number };
}
type Call = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }>;

const http =
  (wl: TestInstance): Call =>
  async (method, p, body) => {
    const res = await fetch(`${wl.running.httpUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

/** Readings every 15 minutes in [from, to] on the linear register, except where `skip` says. */
function quarterHours(
  from: number,
  to: number,
  value = linear,
  skip = (_ts: number) => false,
): Reading[] {
  const out: Reading[] = [];
  for (let ts = from; ts <= to; ts += Q) if (!skip(ts)) out.push({ ts, importWh: value(ts) });
  return out;
}

/**
 * Customer, tariff, contract (UTC, so days are UTC days), meter; consent `interval` so
 * any groupBy may be asked.
 */
async function fleet(
  call: Call,
  meterId: string,
  endsAt?: number,
): Promise<{ customerId: string; contractId: string }> {
  const customer = await call('POST', '/v1/customers', { name: `Owner of ${meterId}` });
  const tariff = await call('POST', '/v1/tariffs', {
    name: 'Base',
    currency: 'EUR',
    versions: [
      {
        validFrom: '2020-01-01T00:00:00Z',
        standingChargePerDay: '0.4512',
        energy: { type: 'flat', rate: '0.2016' },
        taxes: [],
      },
    ],
  });
  const contract = await call('POST', '/v1/contracts', {
    customerId: customer.body.id,
    tariffId: tariff.body.id,
    timezone: 'UTC',
    startsAt: iso(day(-10)),
    endsAt: endsAt === undefined ? undefined : iso(endsAt),
  });
  expect(contract.status).toBe(201);
  expect(
    (
      await call('POST', '/v1/meters', {
        id: meterId,
        contractId: contract.body.id,
        installedAt: iso(day(-10)),
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call('PUT', `/v1/contracts/${String(contract.body.id)}/consent`, {
        granularity: 'interval',
      })
    ).status,
  ).toBe(200);
  return { customerId: String(customer.body.id), contractId: String(contract.body.id) };
}

/**
 * Publish as a meter sending its backlog, and wait until the ingesting instance stored all of it.
 */
async function publish(
  ingest: TestInstance,
  mqttUrl: string,
  meterId: string,
  readings: readonly Reading[],
): Promise<void> {
  const before = await ingest.metric(STORED);
  const pub = await connectPublisher(mqttUrl, undefined, TEST_METER_SECRET);
  for (let i = 0; i < readings.length; i += 500) {
    await pub.publish(
      `meters/${meterId}/readings`,
      JSON.stringify(
        readings
          .slice(i, i + 500)
          .map((r) => ({ ts: iso(r.ts), importWh: r.importWh, exportWh: 0 })),
      ),
    );
  }
  await pub.close();
  await waitFor(
    `${readings.length} readings of ${meterId} stored`,
    async () => (await ingest.metric(STORED)) >= before + readings.length,
    { timeoutMs: 30_000 },
  );
}

async function daily(call: Call, meterId: string, from: number, to: number): Promise<Answer> {
  const res = await call(
    'GET',
    `/v1/meters/${meterId}/consumption?groupBy=day&from=${iso(from)}&to=${iso(to)}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Answer;
}
/**
 * Ask twice: the second answer must be the first, served from memory (a cache `hit`).
 * Another process's feed rows for readings just stored reach the api up to a poll later and
 * drop the meter once, maybe between the two asks: then the pair is asked again, until a
 * second ask is a hit (bounded).
 */
async function cached(
  api: TestInstance,
  meterId: string,
  from: number,
  to: number,
): Promise<Answer> {
  let pair: [Answer, Answer] | undefined;
  await waitFor(
    `a second ask of ${meterId} served from memory`,
    async () => {
      const first = await daily(http(api), meterId, from, to);
      const hits = await api.metric(...HITS);
      pair = [first, await daily(http(api), meterId, from, to)];
      return (await api.metric(...HITS)) === hits + 1;
    },
    { timeoutMs: 10_000 },
  );
  expect(pair?.[1]).toEqual(pair?.[0]);
  return pair![0];
}
const shape = (buckets: readonly Bucket[]) =>
  buckets.map((b) => [b.start.slice(0, 10), b.importWh, b.quality]);
const ymd = (t: number) => iso(t).slice(0, 10);

/**
 * The hole: nothing between day -5 18:00 and day -4 06:00, so both days are interpolated and
 * the index at their shared midnight is a guess (1440 Wh each). The late readings fill it
 * unevenly (20 Wh a quarter before midnight, 10 after): the days become 1560 and 1320 Wh
 * measured, which no stale copy shows.
 */
const inHole = (ts: number) => ts > day(-5, 18) && ts < day(-4, 6);
const filled = (ts: number) =>
  linear(day(-5, 18)) +
  (ts <= day(-4) ? (20 * (ts - day(-5, 18))) / Q : 480 + (10 * (ts - day(-4))) / Q);
const WITH_HOLE = [
  [ymd(day(-6)), 1440, 'measured'],
  [ymd(day(-5)), 1440, 'interpolated'],
  [ymd(day(-4)), 1440, 'interpolated'],
];
const FILLED = [
  [ymd(day(-6)), 1440, 'measured'],
  [ymd(day(-5)), 1560, 'measured'],
  [ymd(day(-4)), 1320, 'measured'],
];

/**
 * Ask with the hole (cached, then a hit), fill it, and expect the filled answer
 * (`withinMs`: via the change feed).
 */
async function holeThenLateFill(
  api: TestInstance,
  ingest: TestInstance,
  mqttUrl: string,
  meterId: string,
  withinMs?: number,
): Promise<void> {
  await publish(ingest, mqttUrl, meterId, quarterHours(day(-8), day(-3), linear, inHole));
  expect(shape((await cached(api, meterId, day(-6), day(-3))).buckets)).toEqual(WITH_HOLE);

  await publish(
    ingest,
    mqttUrl,
    meterId,
    quarterHours(day(-5, 18), day(-4, 6), filled, (ts) => !inHole(ts)),
  );
  const now = async () => shape((await daily(http(api), meterId, day(-6), day(-3))).buckets);
  if (withinMs === undefined) expect(await now()).toEqual(FILLED);
  else
    await waitFor(
      'the api instance shows the filled days',
      async () => JSON.stringify(await now()) === JSON.stringify(FILLED),
      { timeoutMs: withinMs },
    );
}

describe('readings cache in one process (aedes, SQLite, ROLE=all)', () => {
  let wl: TestInstance;
  let call: Call;
  beforeAll(async () => {
    // GRACE_HOURS=0 lets the erasure case settle its ended contract at once; no cron interferes.
    wl = await startInstance({
      ADMIN_API_KEY: ADMIN,
      GRACE_HOURS: '0',
      SETTLE_CRON: 'off',
      RETENTION_CRON: 'off',
    });
    call = http(wl);
  });
  afterAll(async () => {
    await wl?.stop();
  });

  it('shows late readings filling a hole in sealed days as soon as they are stored', async () => {
    await fleet(call, 'cache-late');
    // The flusher drops the meter before it counts the readings stored: no
    // waiting beyond the counter.
    await holeThenLateFill(wl, wl, wl.running.mqttUrl, 'cache-late');
  });

  it('forgets "no reading after day -3" once a silent meter speaks again', async () => {
    await fleet(call, 'cache-resumed');
    await publish(wl, wl.running.mqttUrl, 'cache-resumed', quarterHours(day(-6), day(-3, 12)));
    // The cache now also holds the answer that no reading follows the sealed days.
    const before = (await cached(wl, 'cache-resumed', day(-5), day(-2))).buckets;
    expect(shape(before).at(-1)).toEqual([ymd(day(-3)), 720, 'partial']);

    const ts = Date.now() - 60_000;
    await publish(wl, wl.running.mqttUrl, 'cache-resumed', [{ ts, importWh: linear(ts) }]);
    const after = (await daily(call, 'cache-resumed', day(-5), day(-2))).buckets;
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    // The index at day -2 00:00 now lies between day -3 12:00 and the new
    // reading, on the same line.
    expect(after.at(-1)?.quality).toBe('interpolated');
    expect(Math.abs((after.at(-1)?.importWh ?? 0) - 1440)).toBeLessThan(1);
  });

  it('answers no readings after an erasure, not the cached ones', async () => {
    const { customerId, contractId } = await fleet(call, 'cache-erased', day(-2));
    // Readings past the contract end, so its last period settles on a measured end index.
    await publish(wl, wl.running.mqttUrl, 'cache-erased', quarterHours(day(-10), day(-2, 6)));
    const settled = await call('POST', '/v1/billing/settle', { contractId });
    expect(settled.body.settled).toBeGreaterThanOrEqual(1);

    expect((await cached(wl, 'cache-erased', day(-8), day(-3))).totals.importWh).toBe(5 * 1440);

    expect((await call('POST', `/v1/customers/${customerId}/erase`)).status).toBe(200);
    const erased = await daily(call, 'cache-erased', day(-8), day(-3));
    expect(erased.buckets.map((b) => b.quality)).toEqual(Array(5).fill('missing'));
    expect(erased.totals.importWh).toBe(0);
  });
});

const influxUrl = inject('influxUrl');
describe.skipIf(influxUrl === '' || inject('mqttUrl') === '')(
  'readings cache with split roles (Mosquitto, InfluxDB, one SQLite ledger)',
  () => {
    let tmp: ReturnType<typeof tempDir>;
    const database = `wl_cache_${randomBytes(4).toString('hex')}`;
    let broker: MosquittoHandle;
    let api: TestInstance;
    let ingest: TestInstance;
    beforeAll(async () => {
      tmp = tempDir('wl-cache-roles-');
      broker = await startMosquitto();
      const shared = {
        ADMIN_API_KEY: ADMIN,
        DATABASE_URL: `sqlite:${path.join(tmp.dir, 'ledger.db')}`,
        INFLUX_URL: influxUrl,
        INFLUX_DB: database,
        SETTLE_CRON: 'off',
        RETENTION_CRON: 'off',
      };
      api = await startInstance({ ...shared, ROLE: 'api', READINGS_CACHE_POLL_MS: '200' });
      // The fleet exists before ingest starts: its meter directory has no
      // "unknown" answer to outlive.
      await fleet(http(api), 'cache-split');
      ingest = await startInstance({
        ...shared,
        ROLE: 'ingest',
        MQTT_URL: broker.url,
        MQTT_CLIENT_ID: `cache-ingest-${process.pid}`,
      });
      // QoS 1 messages published before the subscription exists would be dropped by the broker.
      await waitFor('ingest subscribed', () => ingest.running.ingest?.brokerConnected() === true);
    });
    afterAll(async () => {
      await ingest?.stop();
      await api?.stop();
      await broker?.dispose();
      await createInfluxClient({ url: influxUrl, database })
        .query(`DROP DATABASE "${database}"`, { db: false })
        .catch(() => undefined);
      tmp?.cleanup();
    });

    it('the api process drops its cached days when the feed names the meter', async () => {
      await holeThenLateFill(api, ingest, broker.url, 'cache-split', 20_000);
    });
  },
);
