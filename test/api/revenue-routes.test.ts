import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.js';
import { create, createKey, DESIGN_TARIFF, expectCall, idOf, type Json } from './fleet-fixtures.js';

interface Page {
  readonly items: Json[];
  readonly nextCursor?: string;
}

/**
 * The state of revenue, the fleet-wide lists and budgets over HTTP: answers, pages, filters and
 * refusals (the figures themselves: test/billing/revenue-suite.ts).
 */
describe('revenue, fleet lists and budgets over HTTP', () => {
  let api: TestApi;
  let staff: string;
  const contracts: string[] = [];
  const keys: string[] = [];

  /** Six households from 1 September 2026 (Paris) with hourly readings to 2 December. */
  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' }); // 2026-11-29T12:00Z
    const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
    for (let i = 0; i < 6; i += 1) {
      const customerId = idOf(await create(api, '/v1/customers', { name: `R ${i}` }));
      const contractId = idOf(
        await create(api, '/v1/contracts', {
          customerId,
          tariffId,
          timezone: 'Europe/Paris',
          startsAt: '2026-09-01T00:00:00+02:00',
        }),
      );
      contracts.push(contractId);
      await create(api, '/v1/meters', {
        id: `rr-${i}`,
        contractId,
        installedAt: '2026-08-01T00:00:00+02:00',
      });
      const start = Date.parse('2026-08-31T00:00:00Z');
      // Household 5 stops in mid-October: its October is held.
      const hours = i === 5 ? 45 * 24 : 88 * 24;
      await api.store.writeBatch(
        Array.from({ length: hours }, (_, k) => ({
          meterId: `rr-${i}`,
          ts: start + k * 3_600_000,
          importWh: k * (300 + 20 * i),
          receivedAt: start,
        })),
      );
      keys.push(String((await create(api, '/v1/api-keys', { role: 'customer', customerId })).key));
    }
    staff = await createKey(api, 'staff');
    // September and October settle (October of household 5 is held); November is open.
    expect(await expectCall(api, 200, 'POST', '/v1/billing/settle')).toMatchObject({
      settled: 11,
      held: 1,
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('GET /v1/billing/revenue', () => {
    it('answers the month per currency, with the grace window', async () => {
      const r = await expectCall(api, 200, 'GET', '/v1/billing/revenue?month=2026-11', {
        key: staff,
      });
      expect(r).toMatchObject({ month: '2026-11', asOf: '2026-11-29T12:00:00Z', graceHours: 72 });
      const [eur] = r.currencies as Json[];
      expect(Object.keys(eur!).sort()).toEqual(
        ['adjustmentsPending', 'currency', 'estimated', 'held', 'provisional', 'settled'].sort(),
      );
      expect(eur).toMatchObject({ currency: 'EUR', settled: '0.00', provisional: '0.00' });
      const est = eur!.estimated as Record<string, string>;
      expect(Object.keys(est).sort()).toEqual(['p10', 'p50', 'p90']);
      for (const v of Object.values(est)) expect(v).toMatch(/^-?\d+\.\d{2}$/);
      const sept = await expectCall(
        api,
        200,
        'GET',
        '/v1/billing/revenue?month=2026-09&asOf=2026-11-29T13:00:00%2B01:00',
        { key: staff },
      );
      // The fleet was set up and settled at 12:00: September is all invoiced.
      expect(sept.asOf).toBe('2026-11-29T12:00:00Z');
      expect((sept.currencies as Json[])[0]).toMatchObject({ provisional: '0.00', held: '0.00' });
      expect(Number((sept.currencies as Json[])[0]!.settled)).toBeGreaterThan(0);
      // An un-encoded `+` arrives as a space and still means `+`.
      const plus = await expectCall(
        api,
        200,
        'GET',
        '/v1/billing/revenue?month=2026-09&asOf=2026-11-29T13:00:00+01:00',
        { key: staff },
      );
      expect(plus).toEqual(sept);
      const oct = (
        (await expectCall(api, 200, 'GET', '/v1/billing/revenue?month=2026-10', { key: staff }))
          .currencies as Json[]
      )[0];
      expect(Number(oct!.held)).toBeGreaterThan(0);
      expect(Number(oct!.settled)).toBeGreaterThan(0);
    });

    it.each([
      ['no month', '/v1/billing/revenue', 'month'],
      ['a month not YYYY-MM', '/v1/billing/revenue?month=2026-13', 'month'],
      [
        'an instant without a zone',
        '/v1/billing/revenue?month=2026-11&asOf=2026-11-01T00:00:00',
        'asOf',
      ],
      [
        'an instant in the future',
        '/v1/billing/revenue?month=2026-11&asOf=2026-12-01T00:00:00Z',
        'future',
      ],
      [
        'an instant past 2100',
        '/v1/billing/revenue?month=2026-11&asOf=2200-01-01T00:00:00Z',
        'asOf',
      ],
    ])('refuses %s: 400 naming it', async (_name, url, part) => {
      const res = await api.call('GET', url, { key: staff });
      expect(res.status).toBe(400);
      expect(res.type).toBe('application/problem+json');
      expect(String((res.body as Json).detail)).toContain(part);
    });
  });

  describe('GET /v1/periods', () => {
    const all = async (query: string, limit: number): Promise<Json[]> => {
      const out: Json[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 50; pages += 1) {
        const sep = query === '' ? '?' : `?${query}&`;
        const page = (await expectCall(
          api,
          200,
          'GET',
          `/v1/periods${sep}limit=${limit}${cursor === undefined ? '' : `&before=${cursor}`}`,
          { key: staff },
        )) as unknown as Page;
        out.push(...page.items);
        cursor = page.nextCursor;
        if (cursor === undefined) return out;
        expect(page.items).toHaveLength(limit);
      }
      throw new Error('too many pages');
    };

    it("pages through every contract's periods, newest first, as each contract's history shows them", async () => {
      const items = await all('', 4);
      expect(items).toHaveLength(18);
      const starts = items.map((p) => Date.parse(String(p.start)));
      expect([...starts].sort((x, y) => y - x)).toEqual(starts);
      for (const id of contracts) {
        const own = (
          await expectCall(api, 200, 'GET', `/v1/contracts/${id}/periods`, { key: staff })
        ).items as Json[];
        expect(
          items.filter((p) => p.contractId === id).map(({ contractId: _, ...p }) => p),
        ).toEqual(own);
      }
    });

    it('filters by status and by local month', async () => {
      expect((await all('status=open', 100)).map((p) => p.contractId).sort()).toEqual(
        [...contracts].sort(),
      );
      const held = await all('status=held', 100);
      expect(held).toMatchObject([{ contractId: contracts[5], start: '2026-09-30T22:00:00Z' }]);
      expect(await all('month=2026-10&status=settled', 2)).toHaveLength(5);
      const sept = await all('month=2026-09', 100);
      expect(sept).toHaveLength(6);
      expect(new Set(sept.map((p) => p.start))).toEqual(new Set(['2026-08-31T22:00:00Z']));
    });

    it('refuses a cursor it did not make, and a bad status or limit', async () => {
      for (const q of ['before=nonsense!', 'before=eA', 'status=gone', 'limit=0', 'limit=501'])
        expect((await api.call('GET', `/v1/periods?${q}`, { key: staff })).status).toBe(400);
    });
  });

  describe('GET /v1/invoices', () => {
    it('pages through every invoice, newest first, and filters by local month', async () => {
      const seen: Json[] = [];
      let cursor: string | undefined;
      do {
        const page = (await expectCall(
          api,
          200,
          'GET',
          `/v1/invoices?limit=5${cursor === undefined ? '' : `&before=${cursor}`}`,
          { key: staff },
        )) as unknown as Page;
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen.map((i) => i.number)).toEqual(
        Array.from({ length: 11 }, (_, k) => `INV-2026-${String(11 - k).padStart(6, '0')}`),
      );
      const oct = (await expectCall(api, 200, 'GET', '/v1/invoices?month=2026-10', { key: staff }))
        .items as Json[];
      expect(oct).toHaveLength(5);
      expect(oct.every((i) => (i.period as Json).start === '2026-09-30T22:00:00Z')).toBe(true);
      const one = await expectCall(api, 200, 'GET', `/v1/invoices/${String(oct[0]!.number)}`, {
        key: staff,
      });
      expect(oct[0]).toEqual(one);
    });

    it('refuses a cursor that is not an invoice number', async () => {
      const res = await api.call('GET', '/v1/invoices?before=INV-26-1', { key: staff });
      expect(res).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    });
  });

  describe('PUT /v1/contracts/{id}/budget', () => {
    const url = () => `/v1/contracts/${contracts[0]}/budget`;

    it('sets, reads and removes a budget, in the currency of the contract', async () => {
      expect(await expectCall(api, 200, 'GET', url(), { key: keys[0] })).toEqual({
        contractId: contracts[0],
        amount: null,
        currency: 'EUR',
        updatedAt: null,
      });
      expect(
        await expectCall(api, 200, 'PUT', url(), { key: keys[0], body: { amount: '120.5' } }),
      ).toEqual({
        contractId: contracts[0],
        amount: '120.50',
        currency: 'EUR',
        updatedAt: '2026-11-29T12:00:00Z',
      });
      expect(await expectCall(api, 200, 'GET', url(), { key: staff })).toMatchObject({
        amount: '120.50',
      });
      expect(
        await expectCall(api, 200, 'PUT', url(), { key: keys[0], body: { amount: null } }),
      ).toMatchObject({ amount: null, updatedAt: null });
      expect(await expectCall(api, 200, 'GET', url(), { key: keys[0] })).toMatchObject({
        amount: null,
      });
    });

    it.each([
      ['a JSON number', { amount: 120 }, 'amount'],
      ['more decimals than EUR has', { amount: '120.505' }, 'EUR has 2 decimals'],
      ['zero', { amount: '0.00' }, 'more than zero'],
      ['a negative amount', { amount: '-5' }, 'amount'],
      ['an exponent', { amount: '1e3' }, 'amount'],
      ['no amount', {}, 'amount'],
      ['an unknown key', { amount: '10', currency: 'EUR' }, 'currency'],
    ])('refuses %s: 400 naming it', async (_name, body, part) => {
      const res = await api.call('PUT', url(), { key: keys[0], body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(String((res.body as Json).detail)).toContain(part);
    });
  });
});
