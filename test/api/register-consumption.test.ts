import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DateTime } from 'luxon';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { createHousehold, expectCall, type Household, type Json } from './fleet-fixtures.js';

// A Linky on "heures creuses": HCHC counts from 22:00 to 06:00 local time, HCHP the rest, each
// quarter hour adding 100 Wh to the register in force at its start.
const Q = 900_000;
const ZONE = 'Europe/Paris';
const FROM = Date.parse('2026-11-09T00:00:00+01:00');
const TO = Date.parse('2026-11-12T00:00:00+01:00');

function offPeak(t: number): boolean {
  const hour = DateTime.fromMillis(t, { zone: ZONE }).hour;
  return hour >= 22 || hour < 6;
}

function linkyReadings(meterId: string): Reading[] {
  const out: Reading[] = [];
  let hc = 5_000_000;
  let hp = 7_000_000;
  for (let t = FROM; t <= TO; t += Q) {
    out.push({
      meterId,
      ts: t,
      importWh: hc + hp,
      receivedAt: t + 1000,
      registers: { HCHC: hc, HCHP: hp },
    });
    if (offPeak(t)) hc += 100;
    else hp += 100;
  }
  return out;
}

const influxUrl = inject('influxUrl');
const stores: [string, () => ReadingStore][] = [
  ['SQLite', () => createSqliteStore({ path: ':memory:' })],
  ...(influxUrl === ''
    ? []
    : ([
        [
          'InfluxDB',
          () => createInfluxStore({ url: influxUrl, database: `registers_${process.pid}` }),
        ],
      ] as [string, () => ReadingStore][])),
];

describe.each(stores)('consumption per device register (%s)', (_name, makeStore) => {
  let api: TestApi;
  let home: Household;
  let single: Household;

  beforeAll(async () => {
    api = await createTestApi({ store: makeStore(), clock: 'manual' });
    home = await createHousehold(api, 'linky-1', undefined, { consent: 'interval' });
    single = await createHousehold(api, 'plain-1', home.tariffId, { consent: 'interval' });
    await api.store.writeBatch(linkyReadings('linky-1'));
    await api.store.writeBatch(
      linkyReadings('plain-1').map(({ registers: _r, ...plain }) => plain),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it('counts each register per local day beside the total, by hand: 32 off-peak quarters of 96', async () => {
    const day = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/linky-1/consumption?groupBy=day&from=2026-11-10T00:00:00%2B01:00&to=2026-11-11T00:00:00%2B01:00&registers=true',
      { key: home.key },
    );
    // 00:00-05:45 is 24 quarters, 22:00-23:45 is 8: 32 x 100 Wh off-peak, 64 x 100 Wh peak.
    expect(day.buckets).toEqual([
      expect.objectContaining({
        importWh: 9600,
        quality: 'measured',
        registers: { HCHC: 3200, HCHP: 6400 },
      }),
    ]);
    expect(day.totals).toEqual({
      importWh: 9600,
      exportWh: null,
      registers: { HCHC: 3200, HCHP: 6400 },
    });
  });

  it('per hour, the register in force at each local hour takes it all', async () => {
    const hours = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/linky-1/consumption?groupBy=hour&from=2026-11-10T21:00:00%2B01:00&to=2026-11-10T23:00:00%2B01:00&registers=true',
      { key: home.key },
    );
    expect((hours.buckets as Json[]).map((b) => b.registers)).toEqual([
      { HCHC: 0, HCHP: 400 },
      { HCHC: 400, HCHP: 0 },
    ]);
  });

  it('answers no registers for a single-register meter, and none unless asked', async () => {
    const plain = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/plain-1/consumption?groupBy=day&from=2026-11-10T00:00:00%2B01:00&to=2026-11-11T00:00:00%2B01:00&registers=true',
      { key: single.key },
    );
    expect(plain.buckets).toEqual([expect.objectContaining({ importWh: 9600, registers: {} })]);
    expect(plain.totals).toMatchObject({ registers: {} });
    const unasked = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/linky-1/consumption?groupBy=day&from=2026-11-10T00:00:00%2B01:00&to=2026-11-11T00:00:00%2B01:00',
      { key: home.key },
    );
    expect((unasked.buckets as Json[])[0]).not.toHaveProperty('registers');
    expect(unasked.totals).not.toHaveProperty('registers');
    await expectCall(
      api,
      400,
      'GET',
      '/v1/meters/linky-1/consumption?groupBy=day&from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z&registers=yes',
      { key: home.key },
    );
  });

  it('is the owner’s: another customer’s key gets 404, as for any consumption', async () => {
    await expectCall(
      api,
      404,
      'GET',
      '/v1/meters/linky-1/consumption?groupBy=day&from=2026-11-10T00:00:00%2B01:00&to=2026-11-11T00:00:00%2B01:00&registers=true',
      { key: single.key },
    );
  });
});
