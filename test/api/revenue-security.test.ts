import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.js';
import { ADMIN_KEY, createTestApi, type TestApi } from '../support/api.js';
import { create, createKey, DESIGN_TARIFF, expectCall, idOf, type Json } from './fleet-fixtures.js';

interface Home {
  readonly contractId: string;
  readonly key: string;
}

interface World {
  readonly a: Home;
  readonly b: Home;
  readonly staffKey: string;
}

interface RouteCase {
  readonly method: 'GET' | 'PUT';
  readonly path: string;
  readonly url: (w: World) => string;
  readonly body?: unknown;
  readonly allowed: readonly Role[];
  /**
   * For routes a customer may use on its own resources: the same request for customer B's
   * resource, and for an absent one.
   */
  readonly others?: { readonly url: (w: World) => string; readonly absent: string };
}

/**
 * Every route of the state of revenue, the fleet-wide lists, `/me` and budgets. Adding one to the
 * API without adding it here fails the completeness test below.
 */
const ROUTES: readonly RouteCase[] = [
  {
    method: 'GET',
    path: '/v1/billing/revenue',
    url: () => '/v1/billing/revenue?month=2026-10',
    allowed: ['staff', 'admin'],
  },
  { method: 'GET', path: '/v1/periods', url: () => '/v1/periods', allowed: ['staff', 'admin'] },
  { method: 'GET', path: '/v1/invoices', url: () => '/v1/invoices', allowed: ['staff', 'admin'] },
  { method: 'GET', path: '/v1/me', url: () => '/v1/me', allowed: ['customer', 'staff', 'admin'] },
  {
    method: 'GET',
    path: '/v1/contracts/{id}/budget',
    url: (w) => `/v1/contracts/${w.a.contractId}/budget`,
    allowed: ['customer', 'staff', 'admin'],
    others: {
      url: (w) => `/v1/contracts/${w.b.contractId}/budget`,
      absent: '/v1/contracts/ctr_nothing/budget',
    },
  },
  {
    method: 'PUT',
    path: '/v1/contracts/{id}/budget',
    url: (w) => `/v1/contracts/${w.a.contractId}/budget`,
    body: { amount: '120.00' },
    // The customer's own limit: staff may not set it; an admin records one asked for elsewhere.
    allowed: ['customer', 'admin'],
    others: {
      url: (w) => `/v1/contracts/${w.b.contractId}/budget`,
      absent: '/v1/contracts/ctr_nothing/budget',
    },
  },
];

const TAGS = ['revenue', 'session', 'budget'];

describe('revenue, fleet list, /me and budget route security', () => {
  let api: TestApi;
  let w: World;
  const keyOf = (role: Role) =>
    role === 'admin' ? ADMIN_KEY : role === 'staff' ? w.staffKey : w.a.key;

  /** A customer with a contract from local 1 October 2026 (Paris), a day of readings, a key. */
  async function home(meterId: string, tariffId: string): Promise<Home> {
    const customerId = idOf(await create(api, '/v1/customers', { name: meterId }));
    const contractId = idOf(
      await create(api, '/v1/contracts', {
        customerId,
        tariffId,
        timezone: 'Europe/Paris',
        startsAt: '2026-10-01T00:00:00+02:00',
      }),
    );
    await create(api, '/v1/meters', {
      id: meterId,
      contractId,
      installedAt: '2026-10-01T00:00:00+02:00',
    });
    const start = Date.parse('2026-09-30T22:00:00Z');
    await api.store.writeBatch(
      Array.from({ length: 24 * 40 }, (_, i) => ({
        meterId,
        ts: start + i * 3_600_000,
        importWh: i * 300,
        receivedAt: start,
      })),
    );
    return {
      contractId,
      key: String((await create(api, '/v1/api-keys', { role: 'customer', customerId })).key),
    };
  }

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' }); // 2026-11-29
    const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
    w = {
      a: await home('rsec-a', tariffId),
      b: await home('rsec-b', tariffId),
      staffKey: await createKey(api, 'staff'),
    };
    await expectCall(api, 200, 'POST', '/v1/billing/settle');
  });
  afterAll(async () => {
    await api?.close();
  });

  const request = async (rc: RouteCase, key: string | null, url?: string) =>
    api.call(rc.method, url ?? rc.url(w), {
      key,
      ...(rc.body === undefined ? {} : { body: rc.body }),
    });

  describe.each(ROUTES)('$method $path', (rc) => {
    it('without a key: 401 problem+json with WWW-Authenticate', async () => {
      const res = await api.app.request(rc.url(w), { method: rc.method });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });

    it('with an unknown key: 401', async () => {
      expect(await request(rc, 'wl_staff_not-a-real-key')).toMatchObject({
        status: 401,
        type: 'application/problem+json',
        body: { code: 'unauthorized' },
      });
    });

    const refused = (['customer', 'staff', 'admin'] as const).filter(
      (r) => !rc.allowed.includes(r),
    );
    if (refused.length > 0)
      it.each(refused)('with role %s: 403', async (role) => {
        expect(await request(rc, keyOf(role))).toMatchObject({
          status: 403,
          type: 'application/problem+json',
          body: { code: 'forbidden' },
        });
      });

    it.each(rc.allowed)('with role %s: 200', async (role) => {
      const res = await request(rc, keyOf(role));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    const others = rc.others;
    if (others !== undefined)
      it("another customer's resource: 404, exactly like an absent one", async () => {
        const other = await request(rc, w.a.key, others.url(w));
        const absent = await request(rc, w.a.key, others.absent);
        expect(other).toMatchObject({
          status: 404,
          type: 'application/problem+json',
          body: { code: 'not_found' },
        });
        expect(absent).toMatchObject({ status: 404, body: { code: 'not_found' } });
        expect(Object.keys(other.body as Json).sort()).toEqual(
          Object.keys(absent.body as Json).sort(),
        );
        expect((await request(rc, w.b.key, others.url(w))).status).toBe(200);
      });
  });

  it('covers every revenue, session and budget operation of /openapi.json', async () => {
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.some((t) => TAGS.includes(t)))
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('a customer learns its own role and customer, staff and admin their role only', async () => {
    const mine = await expectCall(api, 200, 'GET', '/v1/me', { key: w.a.key });
    expect(mine).toMatchObject({ role: 'customer', customer: { name: 'rsec-a' } });
    expect(await expectCall(api, 200, 'GET', '/v1/me', { key: w.staffKey })).toEqual({
      role: 'staff',
    });
    expect(await expectCall(api, 200, 'GET', '/v1/me')).toEqual({ role: 'admin' });
  });

  it("a customer's budget is its own: the other customer's stays untouched", async () => {
    await expectCall(api, 200, 'PUT', `/v1/contracts/${w.b.contractId}/budget`, {
      key: w.b.key,
      body: { amount: '80' },
    });
    await request(ROUTES[5]!, w.a.key, `/v1/contracts/${w.b.contractId}/budget`);
    expect(
      await expectCall(api, 200, 'GET', `/v1/contracts/${w.b.contractId}/budget`, {
        key: w.staffKey,
      }),
    ).toMatchObject({ amount: '80.00', currency: 'EUR' });
  });
});
