import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.js';
import { ADMIN_KEY, createTestApi, type TestApi } from '../support/api.js';
import { createHousehold, createKey, type Household, type Json } from './fleet-fixtures.js';

interface RouteCase {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly url: (meterId: string) => string;
  /** A fresh body for each call: every accepted reading comes after the previous one. */
  readonly body?: () => unknown;
  readonly allowed: readonly Role[];
  readonly created: boolean;
  /** Whether a customer may use it on its own meters (then another's answers 404). */
  readonly perMeter: boolean;
}

const H = 3_600_000;
let n = 0;
const next = () => (n += 1);

/**
 * Every route of readings taken by people. Adding one to the API without adding it here fails the
 * completeness test below.
 */
const ROUTES: readonly RouteCase[] = [
  {
    method: 'POST',
    path: '/v1/meters/{meterId}/readings',
    url: (m) => `/v1/meters/${m}/readings`,
    body: () => {
      const i = next();
      return {
        ts: new Date(Date.parse('2026-11-21T00:00:00Z') + i * H).toISOString(),
        importWh: 40_000 + i * 10,
      };
    },
    allowed: ['customer', 'staff', 'admin'],
    created: true,
    perMeter: true,
  },
  {
    method: 'POST',
    path: '/v1/meters/{meterId}/corrections',
    url: (m) => `/v1/meters/${m}/corrections`,
    body: () => ({ ts: '2026-11-10T00:00:00Z', importWh: 19_000 + next(), reason: 'checked' }),
    allowed: ['staff', 'admin'],
    created: true,
    perMeter: false,
  },
  {
    method: 'GET',
    path: '/v1/readings',
    url: () => '/v1/readings?source=customer',
    allowed: ['staff', 'admin'],
    created: false,
    perMeter: false,
  },
];

describe('security of readings taken by people', () => {
  let api: TestApi;
  let a: Household;
  let b: Household;
  let staff: string;
  const keyOf = (role: Role) => (role === 'admin' ? ADMIN_KEY : role === 'staff' ? staff : a.key);

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' }); // 2026-11-29T12:00Z
    a = await createHousehold(api, 'psec-a');
    b = await createHousehold(api, 'psec-b', a.tariffId);
    staff = await createKey(api, 'staff');
    // Daily readings 1-20 November, 1 kWh a day.
    await api.store.writeBatch(
      ['psec-a', 'psec-b'].flatMap((meterId) =>
        Array.from({ length: 20 }, (_, d) => ({
          meterId,
          ts: Date.parse('2026-11-01T00:00:00Z') + d * 24 * H,
          importWh: 10_000 + d * 1000,
          receivedAt: Date.parse('2026-11-01T00:00:00Z'),
        })),
      ),
    );
  });
  afterAll(() => api?.close());

  const request = (rc: RouteCase, key: string | null, meterId = 'psec-a') =>
    api.call(rc.method, rc.url(meterId), {
      key,
      ...(rc.body === undefined ? {} : { body: rc.body() }),
    });

  describe.each(ROUTES)('$method $path', (rc) => {
    it('without a key: 401 problem+json with WWW-Authenticate', async () => {
      const res = await api.app.request(rc.url('psec-a'), {
        method: rc.method,
        ...(rc.body === undefined
          ? {}
          : { body: JSON.stringify(rc.body()), headers: { 'content-type': 'application/json' } }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });

    it('with an unknown key: 401', async () => {
      expect(await request(rc, 'wl_staff_not-a-real-key')).toMatchObject({
        status: 401,
        body: { code: 'unauthorized' },
      });
    });

    const refused = (['customer', 'staff', 'admin'] as const).filter(
      (r) => !rc.allowed.includes(r),
    );
    if (refused.length > 0)
      it.each(refused)('with role %s: 403, and nothing stored', async (role) => {
        const before = await api.store.latest('psec-a');
        expect(await request(rc, keyOf(role))).toMatchObject({
          status: 403,
          type: 'application/problem+json',
          body: { code: 'forbidden' },
        });
        expect(await api.store.latest('psec-a')).toEqual(before);
      });

    it.each(rc.allowed)(`with role %s: ${rc.created ? 201 : 200}`, async (role) => {
      const res = await request(rc, keyOf(role));
      expect(res.status, JSON.stringify(res.body)).toBe(rc.created ? 201 : 200);
    });

    if (rc.perMeter)
      it("another customer's meter: 404, exactly like an absent one, and nothing stored", async () => {
        const before = await api.store.latest('psec-b');
        const other = await request(rc, a.key, 'psec-b');
        const absent = await request(rc, a.key, 'psec-nothing');
        expect(other).toMatchObject({
          status: 404,
          type: 'application/problem+json',
          body: { code: 'not_found' },
        });
        expect(absent).toMatchObject({ status: 404, body: { code: 'not_found' } });
        expect(Object.keys(other.body as Json).sort()).toEqual(
          Object.keys(absent.body as Json).sort(),
        );
        expect((other.body as Json).detail).toBe('no meter psec-b');
        expect(await api.store.latest('psec-b')).toEqual(before);
        // Its own customer may.
        expect((await request(rc, b.key, 'psec-b')).status).toBe(201);
      });
  });

  it("a customer's reading is its own: entered with source customer, never staff", async () => {
    const res = await api.call('POST', '/v1/meters/psec-a/readings', {
      key: a.key,
      body: { ts: '2026-11-29T00:00:00Z', importWh: 60_000 },
    });
    expect(res).toMatchObject({ status: 201, body: { source: 'customer' } });
  });

  it('covers every operation tagged readings in /openapi.json', async () => {
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.includes('readings'))
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });
});
