import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.js';
import { createTestApi, ADMIN_KEY, type TestApi } from '../support/api.js';
import {
  create,
  createHousehold,
  createKey,
  DESIGN_TARIFF,
  idOf,
  type Household,
  type Json,
} from './fleet-fixtures.js';

interface World {
  readonly a: Household;
  readonly b: Household;
  readonly staffKey: string;
  readonly spareKeyId: string;
  /**
   * A third customer's contract: what the creation checks create lands
   * there, out of a's and b's way.
   */
  readonly spare: Household;
  readonly api: TestApi;
}

interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  /**
   * The request as `who` makes it (fresh ids for creations); `{id}` style placeholders filled in.
   */
  readonly url: (w: World) => string | Promise<string>;
  readonly body?: (w: World) => unknown;
  readonly allowed: readonly Role[];
  /**
   * For routes a customer may use on its own resources: the same request for customer B's resource.
   */
  readonly othersUrl?: (w: World) => string;
}

let n = 0;
const fresh = (prefix: string) => `${prefix}-${(n += 1)}`;

/**
 * Every fleet route. Adding a route to the API without adding it here fails
 * the completeness test below.
 */
const ROUTES: readonly RouteCase[] = [
  {
    method: 'POST',
    path: '/v1/customers',
    url: () => '/v1/customers',
    body: () => ({ name: 'New' }),
    allowed: ['admin'],
  },
  { method: 'GET', path: '/v1/customers', url: () => '/v1/customers', allowed: ['staff', 'admin'] },
  {
    method: 'GET',
    path: '/v1/customers/{id}',
    url: (w) => `/v1/customers/${w.a.customerId}`,
    allowed: ['staff', 'admin'],
  },
  { method: 'GET', path: '/v1/customers/me', url: () => '/v1/customers/me', allowed: ['customer'] },
  {
    method: 'POST',
    path: '/v1/tariffs',
    url: () => '/v1/tariffs',
    body: () => DESIGN_TARIFF,
    allowed: ['admin'],
  },
  { method: 'GET', path: '/v1/tariffs', url: () => '/v1/tariffs', allowed: ['staff', 'admin'] },
  {
    method: 'GET',
    path: '/v1/tariffs/{id}',
    url: (w) => `/v1/tariffs/${w.a.tariffId}`,
    allowed: ['staff', 'admin'],
  },
  {
    method: 'POST',
    path: '/v1/contracts',
    url: () => '/v1/contracts',
    allowed: ['admin'],
    body: (w) => ({
      customerId: w.spare.customerId,
      tariffId: w.spare.tariffId,
      timezone: 'Europe/Paris',
      startsAt: '2026-06-01T00:00:00Z',
    }),
  },
  {
    method: 'GET',
    path: '/v1/contracts',
    url: () => '/v1/contracts',
    allowed: ['customer', 'staff', 'admin'],
  },
  {
    method: 'GET',
    path: '/v1/contracts/{id}',
    url: (w) => `/v1/contracts/${w.a.contractId}`,
    othersUrl: (w) => `/v1/contracts/${w.b.contractId}`,
    allowed: ['customer', 'staff', 'admin'],
  },
  {
    method: 'POST',
    path: '/v1/meters',
    url: () => '/v1/meters',
    allowed: ['admin'],
    body: (w) => ({
      id: fresh('sec-meter'),
      contractId: w.spare.contractId,
      installedAt: '2026-06-01T00:00:00Z',
    }),
  },
  {
    method: 'GET',
    path: '/v1/meters',
    url: (w) => `/v1/meters?contractId=${w.a.contractId}`,
    othersUrl: (w) => `/v1/meters?contractId=${w.b.contractId}`,
    allowed: ['customer', 'staff', 'admin'],
  },
  {
    method: 'GET',
    path: '/v1/meters/{meterId}',
    url: (w) => `/v1/meters/${w.a.meterId}`,
    othersUrl: (w) => `/v1/meters/${w.b.meterId}`,
    allowed: ['customer', 'staff', 'admin'],
  },
  {
    method: 'PATCH',
    path: '/v1/meters/{meterId}',
    url: (w) => `/v1/meters/${w.a.meterId}`,
    body: () => ({ decreaseToleranceWh: 10 }),
    allowed: ['staff', 'admin'],
  },
  {
    method: 'POST',
    path: '/v1/meters/{meterId}/exchange',
    // Each exchange takes a meter out: every request exchanges a meter of its own.
    url: async (w) => {
      const id = fresh('to-exchange');
      await create(w.api, '/v1/meters', {
        id,
        contractId: w.spare.contractId,
        installedAt: '2026-06-01T00:00:00Z',
      });
      return `/v1/meters/${id}/exchange`;
    },
    body: () => ({
      at: '2026-11-01T00:00:00Z',
      finalIndex: { importWh: 0 },
      newMeter: { id: fresh('exchanged-in'), startIndex: { importWh: 0 } },
    }),
    allowed: ['staff', 'admin'],
  },
  {
    method: 'GET',
    path: '/v1/meters/{meterId}/mqtt-credentials',
    url: (w) => `/v1/meters/${w.a.meterId}/mqtt-credentials`,
    allowed: ['admin'],
  },
  {
    method: 'POST',
    path: '/v1/api-keys',
    url: () => '/v1/api-keys',
    body: () => ({ role: 'staff' }),
    allowed: ['admin'],
  },
  { method: 'GET', path: '/v1/api-keys', url: () => '/v1/api-keys', allowed: ['admin'] },
  {
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    url: (w) => `/v1/api-keys/${w.spareKeyId}`,
    allowed: ['admin'],
  },
];

describe('fleet route security', () => {
  let api: TestApi;
  let w: World;
  const keyOf = (role: Role) =>
    role === 'admin' ? ADMIN_KEY : role === 'staff' ? w.staffKey : w.a.key;

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' });
    const a = await createHousehold(api, 'meter-a');
    const b = await createHousehold(api, 'meter-b', a.tariffId);
    const spare = await createHousehold(api, 'meter-spare', a.tariffId);
    w = {
      a,
      b,
      spare,
      staffKey: await createKey(api, 'staff'),
      spareKeyId: idOf(await create(api, '/v1/api-keys', { role: 'staff' })),
      api,
    };
  });
  afterAll(async () => {
    await api.close();
  });

  const request = async (rc: RouteCase, key: string | null, url?: string) =>
    api.call(rc.method, url ?? (await rc.url(w)), {
      key,
      ...(rc.body === undefined ? {} : { body: rc.body(w) }),
    });

  describe.each(ROUTES)('$method $path', (rc) => {
    it('without a key: 401 problem+json with WWW-Authenticate', async () => {
      const res = await api.app.request(await rc.url(w), {
        method: rc.method,
        ...(rc.body === undefined
          ? {}
          : { body: JSON.stringify(rc.body(w)), headers: { 'content-type': 'application/json' } }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    });

    it('with an unknown key or a malformed header: 401', async () => {
      expect(await request(rc, 'wl_admin_not-a-real-key')).toMatchObject({
        status: 401,
        type: 'application/problem+json',
        body: { code: 'unauthorized' },
      });
      const res = await api.call(rc.method, await rc.url(w), {
        key: null,
        headers: { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` },
      });
      expect(res.status).toBe(401);
    });

    const refused = (['customer', 'staff', 'admin'] as const).filter(
      (r) => !rc.allowed.includes(r),
    );
    if (refused.length > 0)
      it.each(refused)('with role %s: 403', async (role) => {
        const res = await request(rc, keyOf(role));
        expect(res).toMatchObject({
          status: 403,
          type: 'application/problem+json',
          body: { code: 'forbidden' },
        });
        expect((res.body as Json).detail).toContain(role);
      });

    it.each(rc.allowed)('with role %s: 2xx', async (role) => {
      const res = await request(rc, keyOf(role));
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
    });

    // Only routes that address one customer's resource have an "other customer" case.
    if (rc.othersUrl !== undefined)
      it("another customer's resource: 404, exactly like an absent one", async () => {
        const others = await request(rc, w.a.key, rc.othersUrl?.(w));
        const absent = await request(
          rc,
          w.a.key,
          (await rc.url(w)).replace(/(meter-a|ctr_[0-9a-z]+)/, 'nothing-here'),
        );
        expect(others).toMatchObject({
          status: 404,
          type: 'application/problem+json',
          body: { code: 'not_found' },
        });
        expect(absent.status).toBe(404);
        expect(Object.keys(others.body as Json).sort()).toEqual(
          Object.keys(absent.body as Json).sort(),
        );
        // The owner and staff do see it.
        expect((await request(rc, w.b.key, rc.othersUrl?.(w))).status).toBe(200);
        expect((await request(rc, w.staffKey, rc.othersUrl?.(w))).status).toBe(200);
      });
  });

  it('covers every fleet operation of /openapi.json', async () => {
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.some((t) => ['fleet', 'keys', 'customer'].includes(t)))
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('a customer lists only its own contracts and meters, whatever filter it passes', async () => {
    const contracts = (await api.call('GET', '/v1/contracts', { key: w.a.key })).body as {
      items: Json[];
    };
    expect(contracts.items.map((c) => c.id)).toEqual([w.a.contractId]);
    const filtered = (
      await api.call('GET', `/v1/contracts?customerId=${w.b.customerId}`, { key: w.a.key })
    ).body as { items: Json[] };
    expect(filtered.items).toEqual([]);
    const meters = (await api.call('GET', '/v1/meters', { key: w.a.key })).body as {
      items: Json[];
    };
    expect(meters.items.map((m) => m.id)).toEqual(['meter-a']);
    const all = (await api.call('GET', '/v1/contracts', { key: w.staffKey })).body as {
      items: Json[];
    };
    expect(all.items.map((c) => c.id)).toEqual(
      expect.arrayContaining([w.a.contractId, w.b.contractId, w.spare.contractId]),
    );
  });

  it('staff and admin asking for /v1/customers/me get a 403 that says why', async () => {
    for (const key of [w.staffKey, ADMIN_KEY]) {
      const res = await api.call('GET', '/v1/customers/me', { key });
      expect(res).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect((res.body as Json).detail).toMatch(/for customer keys/);
    }
  });
});
