import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { startInfluxd, type InfluxdHandle } from '../harness/influxd.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { createHousehold, type Household } from './fleet-fixtures.js';

describe.skipIf(inject('influxUrl') === '')('the API while InfluxDB is down', () => {
  let influx: InfluxdHandle;
  let api: TestApi;
  let home: Household;

  beforeAll(async () => {
    influx = await startInfluxd();
    api = await createTestApi({
      store: createInfluxStore({ url: influx.url, database: 'outage', timeoutMs: 2000 }),
    });
    home = await createHousehold(api, 'down-1', undefined, { consent: 'interval' });
    await api.store.writeBatch([
      {
        meterId: 'down-1',
        ts: Date.UTC(2026, 10, 1),
        importWh: 5,
        receivedAt: Date.UTC(2026, 10, 1),
      },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await influx?.dispose();
  });

  it('answers 503 problem+json, then 200 again once it is back', async () => {
    const path =
      '/v1/meters/down-1/consumption?groupBy=day&from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z';
    expect((await api.call('GET', path, { key: home.key })).status).toBe(200);
    await influx.stop();
    for (const p of [path, '/v1/meters/down-1/readings/latest']) {
      const res = await api.call('GET', p, { key: home.key });
      expect(res.status, p).toBe(503);
      expect(res.type).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'store_unavailable', status: 503 });
    }
    await influx.start();
    expect((await api.call('GET', path, { key: home.key })).status).toBe(200);
  });
});
