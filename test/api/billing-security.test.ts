import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.js';
import { ADMIN_KEY, createTestApi, type TestApi } from '../support/api.js';
import { create, createKey, DESIGN_TARIFF, expectCall, idOf, type Json } from './fleet-fixtures.js';

interface Home {
  readonly contractId: string;
  readonly key: string;
  /** The invoice of its October period. */
  invoice: string;
}

interface World {
  readonly a: Home;
  readonly b: Home;
  readonly staffKey: string;
}

interface RouteCase {
  readonly method: 'GET' | 'POST';
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
 * Every billing route. Adding one to the API without adding it here fails
 * the completeness test below.
 */
const ROUTES: readonly RouteCase[] = [
  {
    method: 'GET',
    path: '/v1/contracts/{id}/bill',
    url: (w) => `/v1/contracts/${w.a.contractId}/bill`,
    allowed: ['customer', 'staff', 'admin'],
    others: {
      url: (w) => `/v1/contracts/${w.b.contractId}/bill`,
      absent: '/v1/contracts/ctr_nothing/bill',
    },
  },
  {
    method: 'GET',
    path: '/v1/contracts/{id}/periods',
    url: (w) => `/v1/contracts/${w.a.contractId}/periods`,
    allowed: ['customer', 'staff', 'admin'],
    others: {
      url: (w) => `/v1/contracts/${w.b.contractId}/periods`,
      absent: '/v1/contracts/ctr_nothing/periods',
    },
  },
  {
    method: 'GET',
    path: '/v1/contracts/{id}/invoices',
    url: (w) => `/v1/contracts/${w.a.contractId}/invoices`,
    allowed: ['customer', 'staff', 'admin'],
    others: {
      url: (w) => `/v1/contracts/${w.b.contractId}/invoices`,
      absent: '/v1/contracts/ctr_nothing/invoices',
    },
  },
  {
    method: 'GET',
    path: '/v1/invoices/{number}',
    url: (w) => `/v1/invoices/${w.a.invoice}`,
    allowed: ['customer', 'staff', 'admin'],
    others: { url: (w) => `/v1/invoices/${w.b.invoice}`, absent: '/v1/invoices/INV-2026-999999' },
  },
  {
    method: 'POST',
    path: '/v1/billing/close',
    url: () => '/v1/billing/close',
    body: {},
    allowed: ['staff', 'admin'],
  },
  {
    method: 'POST',
    path: '/v1/billing/settle',
    url: () => '/v1/billing/settle',
    body: {},
    allowed: ['staff', 'admin'],
  },
  {
    method: 'GET',
    path: '/v1/billing/summary',
    url: () => '/v1/billing/summary?month=2026-10',
    allowed: ['staff', 'admin'],
  },
  {
    method: 'GET',
    path: '/v1/billing/accuracy',
    url: () => '/v1/billing/accuracy?month=2026-10',
    allowed: ['staff', 'admin'],
  },
];

describe('billing route security', () => {
  let api: TestApi;
  let w: World;
  const keyOf = (role: Role) =>
    role === 'admin' ? ADMIN_KEY : role === 'staff' ? w.staffKey : w.a.key;

  /**
   * A customer with a contract from local 1 October 2026 (Paris), hourly readings through 5
   * November, and a customer key.
   */
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
    const readings = Array.from({ length: 36 * 24 }, (_, i) => ({
      meterId,
      ts: start + i * 3_600_000,
      importWh: i * 300,
      receivedAt: start,
    }));
    await api.store.writeBatch(readings);
    return {
      contractId,
      key: String((await create(api, '/v1/api-keys', { role: 'customer', customerId })).key),
      invoice: '',
    };
  }

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' }); // 2026-11-29: October is past its grace window
    const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
    w = {
      a: await home('sec-a', tariffId),
      b: await home('sec-b', tariffId),
      staffKey: await createKey(api, 'staff'),
    };
    expect(await expectCall(api, 200, 'POST', '/v1/billing/settle')).toMatchObject({
      settled: 2,
      held: 0,
    });
    for (const h of [w.a, w.b]) {
      const items = (await expectCall(api, 200, 'GET', `/v1/contracts/${h.contractId}/invoices`))
        .items as Json[];
      h.invoice = String(items[0]?.number);
    }
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
        // The detail names only the id asked for, nothing of the other customer's resource.
        expect(JSON.stringify(other.body)).not.toContain(w.b.key);
        expect((await request(rc, w.b.key, others.url(w))).status).toBe(200);
        expect((await request(rc, w.staffKey, others.url(w))).status).toBe(200);
      });
  });

  it('covers every billing operation of /openapi.json', async () => {
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.tags?.includes('billing'))
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('a customer sees its own invoice, bill and periods, all naming its contract only', async () => {
    const invoice = await expectCall(api, 200, 'GET', `/v1/invoices/${w.a.invoice}`, {
      key: w.a.key,
    });
    expect(invoice).toMatchObject({
      number: w.a.invoice,
      contractId: w.a.contractId,
      period: { start: '2026-09-30T22:00:00Z', end: '2026-10-31T23:00:00Z' },
    });
    expect(
      await expectCall(
        api,
        200,
        'GET',
        `/v1/contracts/${w.a.contractId}/bill?at=2026-10-10T00:00:00Z`,
        { key: w.a.key },
      ),
    ).toMatchObject({ status: 'settled', invoiceNumber: w.a.invoice });
    const periods = (
      await expectCall(api, 200, 'GET', `/v1/contracts/${w.a.contractId}/periods`, { key: w.a.key })
    ).items as Json[];
    expect(periods.map((p) => p.status)).toEqual(['open', 'settled']);
  });
});
