import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../harness/mosquitto.js';
import { waitFor } from '../harness/process.js';
import { startInstance, type TestInstance } from '../support/instance.js';
import { connectPublisher, TEST_METER_SECRET } from '../support/publisher.js';

const ADMIN = 'consumption-admin-key-0123456789';
const influxUrl = inject('influxUrl');
// Paris, Sunday 2026-10-25 has 25 hours. Readings every 15 minutes from Oct 24 00:00 UTC to Oct 26
// 12:00 UTC, import rising 1 Wh per minute (15 Wh per reading), with a 3-hour gap on Oct 25
// between 10:00 and 13:00 UTC.
const first = Date.UTC(2026, 9, 24);
const last = Date.UTC(2026, 9, 26, 12);
const readings: { ts: number; importWh: number; exportWh: number }[] = [];
for (let ts = first; ts <= last; ts += 15 * 60_000) {
  if (ts > Date.UTC(2026, 9, 25, 10) && ts < Date.UTC(2026, 9, 25, 13)) continue;
  readings.push({ ts, importWh: 500_000 + (ts - first) / 60_000, exportWh: 0 });
}

interface Api {
  wl: TestInstance;
  get(path: string, key?: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function setUp(wl: TestInstance, meterId: string): Promise<Api> {
  const call = async (method: string, path: string, body?: unknown, key = ADMIN) => {
    const res = await fetch(`${wl.running.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const customer = await call('POST', '/v1/customers', { name: 'Camille' });
  const tariff = await call('POST', '/v1/tariffs', {
    name: 'Base',
    currency: 'EUR',
    versions: [
      {
        validFrom: '2026-01-01T00:00:00+01:00',
        standingChargePerDay: '0.4512',
        energy: { type: 'flat', rate: '0.2016' },
        taxes: [],
      },
    ],
  });
  const contract = await call('POST', '/v1/contracts', {
    customerId: customer.body.id,
    tariffId: tariff.body.id,
    timezone: 'Europe/Paris',
    startsAt: '2026-10-01T00:00:00+02:00',
  });
  const meter = await call('POST', '/v1/meters', {
    id: meterId,
    contractId: contract.body.id,
    installedAt: '2026-10-01T00:00:00Z',
  });
  expect(meter.status).toBe(201);
  // Every granularity and zone is asked below: the customer allows interval data
  // (consent-*.test.ts covers the others).
  expect(
    (
      await call('PUT', `/v1/contracts/${String(contract.body.id)}/consent`, {
        granularity: 'interval',
      })
    ).status,
  ).toBe(200);
  const pub = await connectPublisher(wl.running.mqttUrl, undefined, TEST_METER_SECRET);
  // The backlog in arrays, as a meter that was offline would send it.
  for (let i = 0; i < readings.length; i += 500) {
    await pub.publish(
      `meters/${meterId}/readings`,
      JSON.stringify(
        readings.slice(i, i + 500).map((r) => ({ ...r, ts: new Date(r.ts).toISOString() })),
      ),
    );
  }
  await pub.close();
  await waitFor(
    'readings stored',
    async () => (await wl.metric('wattledger_readings_stored_total')) >= readings.length,
  );
  return { wl, get: (path, key) => call('GET', path, undefined, key) };
}

const queries = [
  '/consumption?groupBy=hour&from=2026-10-24T22:00:00Z&to=2026-10-25T23:00:00Z',
  '/consumption?groupBy=day&from=2026-10-24T00:00:00Z&to=2026-10-26T12:00:00Z',
  '/consumption?groupBy=month&from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z',
  '/consumption?groupBy=15m&from=2026-10-25T09:00:00Z&to=2026-10-25T14:00:00Z',
  '/consumption?groupBy=day&from=2026-10-24T00:00:00Z&to=2026-10-27T00:00:00Z&tz=Asia/Kathmandu',
  '/readings/latest',
];

describe('consumption over HTTP, the same answers from InfluxDB and the embedded store', () => {
  const apis: Api[] = [];
  let broker: MosquittoHandle | undefined;
  const external = influxUrl !== '' && inject('mqttUrl') !== '';

  beforeAll(async () => {
    const embedded = await startInstance({ ADMIN_API_KEY: ADMIN });
    apis.push(await setUp(embedded, 'paris-1'));
    if (external) {
      broker = await startMosquitto();
      const wl = await startInstance({
        ADMIN_API_KEY: ADMIN,
        MQTT_URL: broker.url,
        INFLUX_URL: influxUrl,
        INFLUX_DB: `cons_${process.pid}`,
        MQTT_CLIENT_ID: 'cons-ingest',
      });
      apis.push(await setUp(wl, 'paris-1'));
    }
  });
  afterAll(async () => {
    for (const a of apis) await a.wl.stop();
    await broker?.dispose();
  });

  it('answers a Paris DST day in hours: 25 buckets summing exactly to the day', async () => {
    const hours = await apis[0]!.get(
      '/v1/meters/paris-1/consumption?groupBy=hour&from=2026-10-24T22:00:00Z&to=2026-10-25T23:00:00Z',
    );
    expect(hours.status).toBe(200);
    const buckets = hours.body.buckets as { start: string; importWh: number; quality: string }[];
    expect(buckets).toHaveLength(25);
    expect(buckets[0]!.start).toBe('2026-10-24T22:00:00Z');
    expect(buckets.every((b) => b.importWh === 60)).toBe(true);
    // 10:00-13:00 UTC lies inside the 3-hour gap: interpolated, still 60 Wh
    // per hour (linear register).
    expect(buckets.filter((b) => b.quality === 'interpolated').map((b) => b.start)).toEqual([
      '2026-10-25T10:00:00Z',
      '2026-10-25T11:00:00Z',
      '2026-10-25T12:00:00Z',
    ]);
    // The offset's `+` once URL-encoded, once raw (it arrives as a space and is
    // understood all the same).
    const day = await apis[0]!.get(
      '/v1/meters/paris-1/consumption?groupBy=day&from=2026-10-25T00:00:00%2B02:00&to=2026-10-25T12:00:00+01:00',
    );
    expect(day.body).toMatchObject({
      tz: 'Europe/Paris',
      start: '2026-10-24T22:00:00Z',
      end: '2026-10-25T23:00:00Z',
      totals: { importWh: 1500 },
    });
  });

  it('gives the same answer from both stores for every query', async () => {
    if (apis.length < 2) return;
    for (const q of queries) {
      const [a, b] = await Promise.all(apis.map((api) => api.get(`/v1/meters/paris-1${q}`)));
      expect(a!.status, q).toBe(200);
      const strip = (x: Record<string, unknown>) => ({ ...x, receivedAt: undefined });
      expect(strip(b!.body), q).toEqual(strip(a!.body));
    }
  });

  it.each([
    ['from after to', '?groupBy=hour&from=2026-10-26T00:00:00Z&to=2026-10-25T00:00:00Z', /after/],
    ['a bad date', '?groupBy=hour&from=yesterday&to=2026-10-25T00:00:00Z', /from/],
    [
      'a date without zone',
      '?groupBy=hour&from=2026-10-24T00:00:00&to=2026-10-25T00:00:00Z',
      /from/,
    ],
    [
      'an unknown time zone',
      '?groupBy=day&from=2026-10-24T00:00:00Z&to=2026-10-25T00:00:00Z&tz=Mars/Olympus',
      /time zone/,
    ],
    [
      'an unknown groupBy',
      '?groupBy=week&from=2026-10-24T00:00:00Z&to=2026-10-25T00:00:00Z',
      /groupBy/,
    ],
    [
      'more than 10,000 buckets',
      '?groupBy=15m&from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z',
      /10000|10,000/,
    ],
    ['a missing bound', '?groupBy=hour&from=2026-10-24T00:00:00Z', /to/],
  ])('refuses %s with problem+json 400', async (_name, q, detail) => {
    const res = await fetch(`${apis[0]!.wl.running.httpUrl}/v1/meters/paris-1/consumption${q}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { code: string; detail: string; status: number };
    expect(body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(body.detail).toMatch(detail);
  });
});
