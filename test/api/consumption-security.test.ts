import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.js';
import { createHousehold, createKey, type Household } from './fleet-fixtures.js';

const ROUTES = [
  (m: string) => `/v1/meters/${m}/readings/latest`,
  (m: string) =>
    `/v1/meters/${m}/consumption?groupBy=day&from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z`,
];

describe('who may read readings and consumption', () => {
  let api: TestApi;
  let a: Household;
  let b: Household;
  let staff: string;
  let admin: string;

  beforeAll(async () => {
    api = await createTestApi();
    // Interval consent: this suite is about who may read, not about what consent
    // allows (consent-*.test.ts).
    a = await createHousehold(api, 'sec-a', undefined, { consent: 'interval' });
    b = await createHousehold(api, 'sec-b', a.tariffId, { consent: 'interval' });
    staff = await createKey(api, 'staff');
    admin = await createKey(api, 'admin');
    const t = Date.UTC(2026, 10, 1);
    await api.store.writeBatch(
      ['sec-a', 'sec-b'].flatMap((meterId) =>
        [0, 1, 2].map((d) => ({
          meterId,
          ts: t + d * 86_400_000,
          importWh: 1000 * d,
          receivedAt: t,
        })),
      ),
    );
  });
  afterAll(() => api?.close());

  describe.each(ROUTES.map((r) => [r('sec-a').split('?')[0]!, r] as const))(
    'GET %s',
    (_name, route) => {
      it('no key: 401 problem+json with WWW-Authenticate', async () => {
        const res = await api.app.request(route('sec-a'));
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      });
      it('wrong key: 401', async () => {
        expect(
          (await api.call('GET', route('sec-a'), { key: 'wl_customer_not-a-real-key' })).status,
        ).toBe(401);
      });
      it('the owner, staff and admin: 200', async () => {
        for (const key of [a.key, staff, admin])
          expect((await api.call('GET', route('sec-a'), { key })).status).toBe(200);
      });
      it("another customer's meter: 404, exactly like an absent one", async () => {
        const other = await api.call('GET', route('sec-b'), { key: a.key });
        const absent = await api.call('GET', route('nothing-here'), { key: a.key });
        expect(other.status).toBe(404);
        expect(absent.status).toBe(404);
        expect(Object.keys(other.body as object).sort()).toEqual(
          Object.keys(absent.body as object).sort(),
        );
        expect((await api.call('GET', route('sec-b'), { key: b.key })).status).toBe(200);
      });
    },
  );

  it('answers the latest reading with when it was received', async () => {
    const res = await api.call('GET', '/v1/meters/sec-a/readings/latest', { key: a.key });
    expect(res.body).toEqual({
      meterId: 'sec-a',
      ts: '2026-11-03T00:00:00Z',
      importWh: 2000,
      exportWh: null,
      powerW: null,
      receivedAt: '2026-11-01T00:00:00Z',
      tsSource: 'meter',
      registers: null,
      source: 'meter',
    });
  });

  it('documents both routes in /openapi.json', async () => {
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/meters/{meterId}/readings/latest',
        '/v1/meters/{meterId}/consumption',
      ]),
    );
    expect((await api.app.request('/docs')).status).toBe(200);
  });
});
