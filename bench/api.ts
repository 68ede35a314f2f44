// npm run bench:api — the consumption endpoint under load, against InfluxDB holding 1,000 meters
// x 31 days of 15-minute readings, compared with the same data fetched straight from InfluxDB in
// the same run. Two request kinds, random meters: a month of day buckets, and a day of 15-minute
// buckets. The last line printed is one JSON object. BENCH_METERS, BENCH_DAYS, BENCH_SECONDS,
// BENCH_CONNECTIONS resize it; BENCH_CACHE_MB sets READINGS_CACHE_MB (0: no readings cache),
// BENCH_NODE_ARGS the API's node flags.
import autocannon, { type Result } from 'autocannon';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startInfluxd } from '../test/harness/influxd.js';
import { freePort } from '../test/harness/ports.js';
import { spawnWattledger } from '../test/support/child-instance.js';
import { tempDir } from '../test/support/instance.js';
import { createInfluxStore } from '../src/readings/influx/influx-store.js';
import type { Reading } from '../src/readings/reading.js';

const METERS = Number(process.env.BENCH_METERS ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 31);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ADMIN = 'bench-admin-key-0123456789abcdef';
const DAY = 86_400_000;
const STEP = 15 * 60_000;
// October 2026: 31 days, with the Paris DST change on the 25th
const MONTH_START = Date.UTC(2026, 9, 1);
const log = (msg: string) => process.stdout.write(`${msg}\n`);
const meterIds = Array.from({ length: METERS }, (_, i) => `api-${String(i).padStart(5, '0')}`);
const randomMeter = () => meterIds[Math.floor(Math.random() * METERS)]!;
const randomDay = () => MONTH_START + Math.floor(Math.random() * DAYS) * DAY;

async function load(url: string): Promise<void> {
  const store = createInfluxStore({ url, database: 'benchapi' });
  await store.init();
  const started = performance.now();
  const perMeter = (DAYS * DAY) / STEP + 1;
  const writers: Promise<void>[] = [];
  let next = 0;
  const writer = async () => {
    for (let m = next++; m < METERS; m = next++) {
      const batch: Reading[] = [];
      for (let i = 0; i < perMeter; i += 1) {
        const ts = MONTH_START - STEP + i * STEP;
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
  for (let w = 0; w < 4; w += 1) writers.push(writer());
  await Promise.all(writers);
  log(
    `loaded ${METERS * perMeter} readings in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await store.close();
}

function run(
  url: string,
  headers: Record<string, string>,
  pathOf: () => string,
  amount?: number,
  seconds = SECONDS,
): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    headers,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathOf() }) }],
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
const monthOf = (meterId: string) =>
  `/v1/meters/${meterId}/consumption?groupBy=day&from=${iso(MONTH_START)}&to=${iso(MONTH_START + DAYS * DAY)}&tz=UTC`;
const apiMonth = () => monthOf(randomMeter());
let nextMeter = 0;
/** Each meter's month once, in order: the pass that fills the readings cache. */
const everyMonth = () => monthOf(meterIds[nextMeter++ % METERS]!);
const apiDay = () => {
  const d = randomDay();
  return `/v1/meters/${randomMeter()}/consumption?groupBy=15m&from=${iso(d)}&to=${iso(d + DAY)}&tz=UTC`;
};
/**
 * The same data straight from InfluxDB: what the store adapter asks for one uncached request (3
 * statements, registers only).
 */
function rawPath(from: number, to: number): string {
  const m = randomMeter();
  const sel = `SELECT import_wh, export_wh FROM meter_reading WHERE meter_id = '${m}'`;
  const q = `${sel} AND time < ${from}ms ORDER BY time DESC LIMIT 1; ${sel} AND time >= ${from}ms AND time <= ${to}ms; ${sel} AND time > ${to}ms ORDER BY time ASC LIMIT 1`;
  return `/query?db=benchapi&epoch=ms&q=${encodeURIComponent(q)}`;
}
const rawMonth = () => rawPath(MONTH_START, MONTH_START + DAYS * DAY);
const rawDay = () => {
  const d = randomDay();
  return rawPath(d, d + DAY);
};
const mixed = (a: () => string, b: () => string) => () => (Math.random() < 0.5 ? a() : b());

function summary(r: Result) {
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function main(): Promise<void> {
  const influx = await startInfluxd();
  const tmp = tempDir('wl-bench-api-');
  try {
    await load(influx.url);
    const wl = await spawnWattledger(
      {
        INFLUX_URL: influx.url,
        INFLUX_DB: 'benchapi',
        DATA_DIR: tmp.dir,
        MQTT_PORT: String(await freePort()),
        ADMIN_API_KEY: ADMIN,
        LOG_LEVEL: 'warn',
        // No cron in the measured process: settling the bench's one 1,000-meter contract at a
        // quarter hour would compete with the load.
        SETTLE_CRON: 'off',
        RETENTION_CRON: 'off',
        ...(process.env.BENCH_CACHE_MB ? { READINGS_CACHE_MB: process.env.BENCH_CACHE_MB } : {}),
        ...(process.env.BENCH_INFLUX_CONCURRENCY
          ? { INFLUX_MAX_CONCURRENT_QUERIES: process.env.BENCH_INFLUX_CONCURRENCY }
          : {}),
      },
      path.join(tmp.dir, 'wattledger.log'),
      {
        compiled: true,
        nodeArgs: [
          ...(process.env.BENCH_NODE_ARGS ?? '--max-old-space-size=128').split(' ').filter(Boolean),
          ...(process.env.BENCH_CPU_PROF
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
        ],
      },
    );
    const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    const post = async (p: string, body: unknown) => {
      const res = await fetch(`${wl.httpUrl}${p}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; key?: string };
    };
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
      timezone: 'Europe/Paris',
      startsAt: '2026-01-01T00:00:00Z',
    });
    for (const id of meterIds)
      await post('/v1/meters', {
        id,
        contractId: contract.id,
        installedAt: '2026-01-01T00:00:00Z',
      });
    // The bench asks for 15-minute buckets in UTC: that needs the customer's interval consent.
    const consent = await fetch(`${wl.httpUrl}/v1/contracts/${contract.id}/consent`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ granularity: 'interval' }),
    });
    if (consent.status !== 200)
      throw new Error(`PUT consent: ${consent.status} ${await consent.text()}`);
    const staff = await post('/v1/api-keys', { role: 'staff' });
    const headers = { authorization: `Bearer ${staff.key}` };

    const check = await fetch(`${wl.httpUrl}${apiMonth()}`, { headers });
    const body = (await check.json()) as { buckets?: unknown[] };
    if (check.status !== 200 || body.buckets?.length !== DAYS)
      throw new Error(`warm-up answered ${check.status}: ${JSON.stringify(body).slice(0, 300)}`);

    // First pass with an empty readings cache: every meter's month once, each read from
    // InfluxDB. Then the steady state.
    const cold = summary(await run(wl.httpUrl, headers, everyMonth, METERS));
    // Not measured: JIT warm-up of the day path, and the collections that move the loaded
    // days to the old generation.
    await run(wl.httpUrl, headers, mixed(apiMonth, apiDay), undefined, 5);
    const api = summary(await run(wl.httpUrl, headers, mixed(apiMonth, apiDay)));
    const raw = summary(await run(influx.url, {}, mixed(rawMonth, rawDay)));
    const apiMonthOnly = summary(await run(wl.httpUrl, headers, apiMonth));
    const apiDayOnly = summary(await run(wl.httpUrl, headers, apiDay));
    log(`api (cold):    ${JSON.stringify(cold)}`);
    log(`api (mixed):   ${JSON.stringify(api)}`);
    log(`raw InfluxDB:  ${JSON.stringify(raw)}`);
    log(`api month/day: ${JSON.stringify(apiMonthOnly)}`);
    log(`api day/15m:   ${JSON.stringify(apiDayOnly)}`);
    await wl.process.stop();
    const failures = [cold, api, apiMonthOnly, apiDayOnly].reduce(
      (n, r) => n + r.errors + r.non2xx,
      0,
    );
    // A failing phase most likely means wattledger stopped: show why.
    if (failures > 0)
      log(
        `wattledger log (tail):\n${readFileSync(path.join(tmp.dir, 'wattledger.log'), 'utf8').split('\n').slice(-60).join('\n')}`,
      );
    log(
      JSON.stringify({
        reqPerSec: api.reqPerSec,
        p50Ms: api.p50Ms,
        p99Ms: api.p99Ms,
        rawQueryP99Ms: raw.p99Ms,
        overheadRatio: Math.round((api.p99Ms / raw.p99Ms) * 100) / 100,
        connections: CONNECTIONS,
        monthOfDays: { p50Ms: apiMonthOnly.p50Ms, p99Ms: apiMonthOnly.p99Ms },
        dayOf15m: { p50Ms: apiDayOnly.p50Ms, p99Ms: apiDayOnly.p99Ms },
        coldCache: { reqPerSec: cold.reqPerSec, p50Ms: cold.p50Ms, p99Ms: cold.p99Ms },
        errors: failures + raw.errors + raw.non2xx,
      }),
    );
  } finally {
    await influx.dispose();
    if (process.env.BENCH_KEEP_LOG) log(`log kept in ${tmp.dir}`);
    else tmp.cleanup();
  }
}

await main();
