import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/api.js';
import {
  create,
  createHousehold,
  DESIGN_TARIFF,
  expectCall,
  idOf,
  type Json,
} from './fleet-fixtures.js';

type Doc = typeof DESIGN_TARIFF;
const tariff = (change: (d: Json & Doc) => void): Json => {
  const d = structuredClone(DESIGN_TARIFF) as Json & Doc;
  change(d);
  return d;
};
const v0 = (d: Doc): Json => d.versions[0] as unknown as Json;

/** Expect a 400 problem whose detail contains every one of `parts`. */
async function refused(
  api: TestApi,
  method: string,
  path: string,
  body: unknown,
  ...parts: string[]
) {
  const res = await api.call(method, path, { body });
  expect(res.status, `${method} ${path} ${JSON.stringify(body).slice(0, 200)}`).toBe(400);
  expect(res.type).toBe('application/problem+json');
  const detail = String((res.body as Json).detail);
  for (const p of parts) expect(detail).toContain(p);
}

/** Strict input rules of every JSON body and instant, against one ledger. */
export function describeStrictInput(name: string, open: () => Promise<TestApi>): void {
  describe(`strict input (${name})`, () => {
    let api: TestApi;
    beforeEach(async () => {
      api = await open();
    });
    afterEach(() => api.close());

    it('refuses unknown keys on every JSON body route, naming them', async () => {
      const h = await createHousehold(api, 'm-strict');
      const cases: [string, string, Json][] = [
        ['POST', '/v1/customers', { name: 'A', colour: 'x' }],
        ['POST', '/v1/tariffs', { ...DESIGN_TARIFF, colour: 'blue' }],
        [
          'POST',
          '/v1/contracts',
          {
            customerId: h.customerId,
            tariffId: h.tariffId,
            timezone: 'UTC',
            startsAt: '2026-03-01T00:00:00Z',
            colour: 'blue',
          },
        ],
        [
          'POST',
          '/v1/meters',
          {
            id: 'm-2',
            contractId: h.contractId,
            installedAt: '2026-03-01T00:00:00Z',
            colour: 'blue',
          },
        ],
        ['POST', '/v1/api-keys', { role: 'staff', colour: 'blue' }],
        ['POST', '/v1/billing/close', { colour: 'blue' }],
        ['POST', '/v1/billing/settle', { force: false, colour: 'blue' }],
      ];
      for (const [method, path, body] of cases) await refused(api, method, path, body, 'colour');
      // Nested objects of a tariff too.
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).colour = 'blue';
        }),
        'colour',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          (v0(d).energy as Json).colour = 'blue';
        }),
        'colour',
      );
    });

    it('keeps instants between 1970 and 2100', async () => {
      const h = await createHousehold(api, 'm-years');
      const ctr = (startsAt: string, endsAt?: string) => ({
        customerId: h.customerId,
        tariffId: h.tariffId,
        timezone: 'UTC',
        startsAt,
        endsAt,
      });
      await refused(api, 'POST', '/v1/contracts', ctr('1969-12-31T23:45:00Z'), 'startsAt', '1970');
      await refused(
        api,
        'POST',
        '/v1/contracts',
        ctr('2026-03-01T00:00:00Z', '2100-01-01T00:15:00Z'),
        'endsAt',
        '2100',
      );
      await refused(
        api,
        'POST',
        '/v1/meters',
        { id: 'm-y', contractId: h.contractId, installedAt: '0000-01-01T00:00:00Z' },
        'installedAt',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).validFrom = '2200-01-01T00:00:00Z';
        }),
        'validFrom',
        '2100',
      );
      await refused(api, 'POST', '/v1/billing/close', { at: '1900-01-01T00:00:00Z' }, 'at', '1970');
      for (const q of [
        'from=0000-01-01T00:00:00Z&to=2026-03-02T00:00:00Z',
        'from=2026-03-01T00:00:00Z&to=9999-12-31T00:00:00Z',
      ]) {
        const res = await api.call('GET', `/v1/meters/m-years/consumption?groupBy=month&${q}`);
        expect(res.status, q).toBe(400);
        expect(String((res.body as Json).detail)).toMatch(/(from|to): must lie between 1970/);
      }
      const bill = await api.call(
        'GET',
        `/v1/contracts/${h.contractId}/bill?at=2100-01-02T00:00:00Z`,
      );
      expect(bill.status).toBe(400);
      expect(String((bill.body as Json).detail)).toContain('at: must lie between 1970');
      // The bounds themselves are accepted, and answered as RFC 3339.
      const old = tariff((d) => {
        v0(d).validFrom = '1970-01-01T00:00:00Z';
      });
      const tariffId = idOf(await create(api, '/v1/tariffs', old));
      const wide = await create(api, '/v1/contracts', {
        ...ctr('1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
        tariffId,
      });
      expect(wide).toMatchObject({
        startsAt: '1970-01-01T00:00:00Z',
        endsAt: '2100-01-01T00:00:00Z',
      });
    });

    it('bounds maxPowerW to 10 MW and finite numbers', async () => {
      const h = await createHousehold(api, 'm-power');
      const meter = (id: string, maxPowerW: unknown) => ({
        id,
        contractId: h.contractId,
        installedAt: '2026-03-01T00:00:00Z',
        maxPowerW,
      });
      await refused(api, 'POST', '/v1/meters', meter('m-p1', 10_000_001), 'maxPowerW', '10 MW');
      // JSON.parse reads 1e400 as Infinity.
      const infinite = await api.call('POST', '/v1/meters', {
        rawBody: JSON.stringify(meter('m-p2', 0)).replace('"maxPowerW":0', '"maxPowerW":1e400'),
        headers: { 'content-type': 'application/json' },
      });
      expect(infinite.status).toBe(400);
      expect(String((infinite.body as Json).detail)).toContain('maxPowerW');
      await refused(api, 'POST', '/v1/meters', meter('m-p3', 0), 'maxPowerW');
      expect((await create(api, '/v1/meters', meter('m-p4', 10_000_000))).maxPowerW).toBe(
        10_000_000,
      );
    });

    it('refuses a meter id that differs from an existing one only in case (409)', async () => {
      const h = await createHousehold(api, 'Meter-Case');
      for (const id of ['meter-case', 'METER-CASE', 'Meter-Case']) {
        const res = await api.call('POST', '/v1/meters', {
          body: { id, contractId: h.contractId, installedAt: '2026-03-01T00:00:00Z' },
        });
        expect(res.status, id).toBe(409);
        expect(res.body).toMatchObject({ code: 'conflict' });
      }
      await create(api, '/v1/meters', {
        id: 'meter-case-2',
        contractId: h.contractId,
        installedAt: '2026-03-01T00:00:00Z',
      });
    });

    it('refuses control characters in customer, tariff and band names', async () => {
      await refused(
        api,
        'POST',
        '/v1/customers',
        { name: 'Camille\u0000Martin' },
        'name',
        'control characters',
      );
      await refused(
        api,
        'POST',
        '/v1/customers',
        { name: 'Camille\u001b[31m' },
        'name',
        'control characters',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        { ...DESIGN_TARIFF, name: 'Tarif\u0085' },
        'name',
        'control characters',
      );
      const bad = tariff((d) => {
        v0(d).energy = {
          type: 'tou',
          defaultBand: 'H\u0007P',
          bands: { 'H\u0007P': '0.2', HC: '0.1' },
          windows: [],
        };
      });
      await refused(api, 'POST', '/v1/tariffs', bad, 'control characters');
      expect(idOf(await create(api, '/v1/customers', { name: 'Zoë Łukasz-Ñúñez 名前' }))).toMatch(
        /^cus_/,
      );
    });

    it('limits tariffs: bands, windows, versions, percent and rates', async () => {
      const bands = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`b${i}`, '0.1']));
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).energy = { type: 'tou', defaultBand: 'b0', bands, windows: [] };
        }),
        'at most 32 bands',
      );
      const windows = Array.from({ length: 65 }, (_, i) => ({
        band: 'HP',
        from: `${String(i % 24).padStart(2, '0')}:00`,
        to: `${String(i % 24).padStart(2, '0')}:15`,
        days: ['mon'],
      }));
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).energy = {
            type: 'tou',
            defaultBand: 'HC',
            bands: { HP: '0.2', HC: '0.1' },
            windows,
          };
        }),
        'at most 64 windows',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          const first = v0(d);
          (d as Json).versions = Array.from({ length: 201 }, (_, i) => ({
            ...first,
            validFrom: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
          }));
        }),
        'at most 200 versions',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).taxes = [{ name: 'VAT', percent: '100.01' }];
        }),
        'percent',
        'at most 100',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).standingChargePerDay = '100000.5';
        }),
        'standingChargePerDay',
        'at most 100000',
      );
      await refused(
        api,
        'POST',
        '/v1/tariffs',
        tariff((d) => {
          v0(d).energy = { type: 'flat', rate: '999999999' };
        }),
        'rate',
        'at most 100000',
      );
      // At the limits, accepted.
      await create(
        api,
        '/v1/tariffs',
        tariff((d) => {
          v0(d).taxes = [{ name: 'VAT', percent: '100' }];
          v0(d).energy = { type: 'flat', rate: '100000' };
        }),
      );
      await expectCall(api, 200, 'GET', '/v1/tariffs');
    });
  });
}
