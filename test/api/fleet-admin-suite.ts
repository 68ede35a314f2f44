import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/auth/api-key.js';
import { manualClock } from '../../src/shared/clock.js';
import type { TestApi } from '../support/api.js';
import {
  create,
  createHousehold,
  DESIGN_TARIFF,
  expectCall,
  idOf,
  type Json,
} from './fleet-fixtures.js';

export const NOW = '2026-11-29T12:00:00Z';
export type Clock = ReturnType<typeof manualClock>;

/**
 * Fleet set-up and reading through HTTP against a real ledger: every resource created, read
 * back, listed, and refused when it references what does not exist. `open` returns an API
 * over a fresh, empty ledger.
 */
export function describeFleetAdmin(name: string, open: (clock: Clock) => Promise<TestApi>): void {
  describe(`fleet admin: ${name}`, () => {
    let api: TestApi;
    let clock: Clock;
    beforeEach(async () => {
      clock = manualClock(NOW);
      api = await open(clock);
    });
    afterEach(async () => {
      await api.close();
    });

    it('creates, reads back and lists customers', async () => {
      const a = await create(api, '/v1/customers', {
        name: '  Camille Martin ',
        email: 'camille@example.org',
      });
      expect(a).toEqual({
        id: expect.stringMatching(/^cus_[0-9a-z]{16}$/),
        name: 'Camille Martin',
        email: 'camille@example.org',
        createdAt: NOW,
      });
      clock.advance(1000);
      const b = await create(api, '/v1/customers', { name: 'Sam' });
      expect(b.email).toBeNull();
      expect(await expectCall(api, 200, 'GET', `/v1/customers/${idOf(a)}`)).toEqual(a);
      expect(await expectCall(api, 200, 'GET', '/v1/customers')).toEqual({ items: [a, b] });
      await expectCall(api, 404, 'GET', '/v1/customers/cus_nobody');
    });

    it('stores the docs/design.md §5 tariff and answers it unchanged, with name and currency in their columns', async () => {
      const t = await create(api, '/v1/tariffs', DESIGN_TARIFF);
      expect(t).toEqual({ ...DESIGN_TARIFF, id: expect.stringMatching(/^trf_/), createdAt: NOW });
      expect(await expectCall(api, 200, 'GET', `/v1/tariffs/${idOf(t)}`)).toEqual(t);
      expect(await expectCall(api, 200, 'GET', '/v1/tariffs')).toEqual({ items: [t] });
      const row = await api.ledger.db.selectFrom('tariffs').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        id: t.id,
        name: DESIGN_TARIFF.name,
        currency: 'EUR',
        created_at: '2026-11-29T12:00:00.000Z',
      }); // the ledger keeps milliseconds
      expect(JSON.parse(row.body)).toEqual(DESIGN_TARIFF);
      await expectCall(api, 404, 'GET', '/v1/tariffs/trf_none');
    });

    it('creates contracts, reads them back and lists them, also by customer', async () => {
      const customerId = idOf(await create(api, '/v1/customers', { name: 'A' }));
      const otherId = idOf(await create(api, '/v1/customers', { name: 'B' }));
      const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
      const c = await create(api, '/v1/contracts', {
        customerId,
        tariffId,
        timezone: 'europe/paris',
        startsAt: '2026-03-01T00:00:00+01:00',
        endsAt: '2027-03-01T00:00:00+01:00',
      });
      expect(c).toEqual({
        id: expect.stringMatching(/^ctr_/),
        customerId,
        tariffId,
        timezone: 'Europe/Paris',
        startsAt: '2026-02-28T23:00:00Z',
        endsAt: '2027-02-28T23:00:00Z',
        createdAt: NOW,
        consent: 'month',
      });
      const d = await create(api, '/v1/contracts', {
        customerId: otherId,
        tariffId,
        timezone: 'America/New_York',
        startsAt: '2026-04-01T00:00:00-04:00',
      });
      expect(d.endsAt).toBeNull();
      expect(await expectCall(api, 200, 'GET', `/v1/contracts/${idOf(c)}`)).toEqual(c);
      expect(await expectCall(api, 200, 'GET', '/v1/contracts')).toEqual({ items: [c, d] });
      expect(await expectCall(api, 200, 'GET', `/v1/contracts?customerId=${otherId}`)).toEqual({
        items: [d],
      });
      expect(await expectCall(api, 200, 'GET', '/v1/contracts?customerId=cus_nobody')).toEqual({
        items: [],
      });
    });

    it('refuses contracts whose customer or tariff does not exist, naming which (404)', async () => {
      const customerId = idOf(await create(api, '/v1/customers', { name: 'A' }));
      const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
      const base = {
        customerId,
        tariffId,
        timezone: 'Europe/Paris',
        startsAt: '2026-03-01T00:00:00Z',
      };
      expect(
        await expectCall(api, 404, 'POST', '/v1/contracts', {
          body: { ...base, customerId: 'cus_x' },
        }),
      ).toMatchObject({ code: 'not_found', detail: 'no customer cus_x' });
      expect(
        await expectCall(api, 404, 'POST', '/v1/contracts', {
          body: { ...base, tariffId: 'trf_x' },
        }),
      ).toMatchObject({ code: 'not_found', detail: 'no tariff trf_x' });
      expect(await api.ledger.db.selectFrom('contracts').selectAll().execute()).toEqual([]);
    });

    it.each<[string, Json, string]>([
      [
        'an unknown time zone',
        { timezone: 'Europe/Atlantis' },
        'timezone: "Europe/Atlantis" is not an IANA time zone',
      ],
      [
        'an offset for a time zone',
        { timezone: '+01:00' },
        'timezone: "+01:00" is not an IANA time zone',
      ],
      [
        'endsAt before startsAt',
        { endsAt: '2026-02-28T00:00:00Z' },
        'endsAt: must be after startsAt',
      ],
      [
        'endsAt equal to startsAt',
        { endsAt: '2026-03-01T00:00:00Z' },
        'endsAt: must be after startsAt',
      ],
      [
        'a startsAt that is no instant',
        { startsAt: '2026-03-01' },
        'startsAt: not an RFC 3339 timestamp',
      ],
      ['a start before the tariff', { startsAt: '2026-01-15T00:00:00Z' }, 'startsAt: tariff trf_'],
      [
        'no customerId',
        { customerId: undefined },
        'customerId: Invalid input: expected string, received undefined',
      ],
    ])('refuses a contract with %s (400)', async (_what, patch, detail) => {
      const customerId = idOf(await create(api, '/v1/customers', { name: 'A' }));
      const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
      const body = {
        customerId,
        tariffId,
        timezone: 'Europe/Paris',
        startsAt: '2026-03-01T00:00:00Z',
        ...patch,
      };
      const p = await expectCall(api, 400, 'POST', '/v1/contracts', { body });
      expect(p).toMatchObject({ code: 'validation_failed', status: 400 });
      expect(p.detail).toContain(detail);
    });

    it('registers meters of existing contracts, refuses duplicates (409) and unknown contracts (404)', async () => {
      const h = await createHousehold(api, 'm-1');
      const m = await create(api, '/v1/meters', {
        id: 'm-2',
        contractId: h.contractId,
        installedAt: '2026-03-01T00:00:00+01:00',
        maxPowerW: 9000,
      });
      expect(m).toEqual({
        id: 'm-2',
        contractId: h.contractId,
        installedAt: '2026-02-28T23:00:00Z',
        maxPowerW: 9000,
        format: 'wattledger',
        source: null,
        counterResets: 'reject',
        registerMaxWh: null,
        decreaseToleranceWh: 0,
        removedAt: null,
      });
      expect(await expectCall(api, 200, 'GET', '/v1/meters/m-2')).toEqual(m);
      expect(await expectCall(api, 200, 'GET', '/v1/meters/m-1')).toMatchObject({
        id: 'm-1',
        maxPowerW: null,
      });
      const dup = await expectCall(api, 409, 'POST', '/v1/meters', {
        body: { id: 'm-2', contractId: h.contractId, installedAt: NOW },
      });
      expect(dup).toMatchObject({ code: 'conflict', detail: 'meter m-2 already exists' });
      expect(
        await expectCall(api, 404, 'POST', '/v1/meters', {
          body: { id: 'm-3', contractId: 'ctr_x', installedAt: NOW },
        }),
      ).toMatchObject({ detail: 'no contract ctr_x' });
      await expectCall(api, 404, 'GET', '/v1/meters/m-3');
    });

    it('lists meters, all or by contract', async () => {
      const a = await createHousehold(api, 'b-meter');
      const b = await createHousehold(api, 'a-meter', a.tariffId);
      const all = await expectCall(api, 200, 'GET', '/v1/meters');
      expect((all.items as Json[]).map((m) => m.id)).toEqual(['a-meter', 'b-meter']);
      const one = await expectCall(api, 200, 'GET', `/v1/meters?contractId=${b.contractId}`);
      expect(one).toEqual({
        items: [
          {
            id: 'a-meter',
            contractId: b.contractId,
            installedAt: '2026-02-28T23:00:00Z',
            maxPowerW: null,
            format: 'wattledger',
            source: null,
            counterResets: 'reject',
            registerMaxWh: null,
            decreaseToleranceWh: 0,
            removedAt: null,
          },
        ],
      });
      await expectCall(api, 404, 'GET', '/v1/meters?contractId=ctr_x');
    });

    it.each<[string, Json, string]>([
      ['an id with a space', { id: 'bad id' }, 'id: meter id must match'],
      ['no contractId', { contractId: undefined }, 'contractId: Invalid input'],
      [
        'a local installedAt',
        { installedAt: '2026-03-01T00:00:00' },
        'installedAt: not an RFC 3339 timestamp',
      ],
      ['a negative maxPowerW', { maxPowerW: -5 }, 'maxPowerW: Too small'],
      [
        'a maxPowerW string',
        { maxPowerW: '5000' },
        'maxPowerW: Invalid input: expected number, received string',
      ],
    ])('refuses a meter with %s (400)', async (_what, patch, detail) => {
      const h = await createHousehold(api, 'm-1');
      const p = await expectCall(api, 400, 'POST', '/v1/meters', {
        body: { id: 'm-2', contractId: h.contractId, installedAt: NOW, ...patch },
      });
      expect(p).toMatchObject({ code: 'validation_failed' });
      expect(p.detail).toContain(detail);
    });

    it('shows a key once, stores only its hash, and the customer key reads its customer until revoked', async () => {
      const h = await createHousehold(api, 'm-1');
      const created = await create(api, '/v1/api-keys', {
        role: 'customer',
        customerId: h.customerId,
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^key_/),
        role: 'customer',
        customerId: h.customerId,
        key: expect.stringMatching(/^wl_customer_/),
        createdAt: NOW,
        revokedAt: null,
      });
      const key = String(created.key);
      const rows = await api.ledger.db.selectFrom('api_keys').selectAll().execute();
      expect(rows.find((r) => r.id === created.id)).toMatchObject({
        key_hash: hashApiKey(key),
        role: 'customer',
        customer_id: h.customerId,
        revoked_at: null,
      });
      expect(JSON.stringify(rows)).not.toContain(key);
      const listed = await expectCall(api, 200, 'GET', '/v1/api-keys');
      expect(JSON.stringify(listed)).not.toContain(key);
      expect(listed.items).toContainEqual({
        id: created.id,
        role: 'customer',
        customerId: h.customerId,
        createdAt: NOW,
        revokedAt: null,
      });

      expect(await expectCall(api, 200, 'GET', '/v1/customers/me', { key })).toMatchObject({
        id: h.customerId,
        name: 'Household m-1',
      });
      clock.advance(5000);
      const revoked = await expectCall(api, 200, 'DELETE', `/v1/api-keys/${idOf(created)}`);
      expect(revoked).toMatchObject({ id: created.id, revokedAt: '2026-11-29T12:00:05Z' });
      clock.advance(60_000); // past the authentication cache
      expect(await expectCall(api, 200, 'DELETE', `/v1/api-keys/${idOf(created)}`)).toEqual(
        revoked,
      );
      const res = await api.call('GET', '/v1/customers/me', { key });
      expect(res).toMatchObject({
        status: 401,
        type: 'application/problem+json',
        body: { code: 'unauthorized' },
      });
      await expectCall(api, 404, 'DELETE', '/v1/api-keys/key_none');
    });

    it('a key revoked before its first use is refused at once', async () => {
      const created = await create(api, '/v1/api-keys', { role: 'staff' });
      await expectCall(api, 200, 'DELETE', `/v1/api-keys/${idOf(created)}`);
      await expectCall(api, 401, 'GET', '/v1/customers', { key: String(created.key) });
    });

    it.each<[string, Json, number, string]>([
      [
        'a customer key without customer',
        { role: 'customer' },
        400,
        'customerId: is required for a key of role customer',
      ],
      [
        'a staff key with a customer',
        { role: 'staff', customerId: 'cus_x' },
        400,
        'customerId: must be absent for a key of role staff',
      ],
      ['an unknown role', { role: 'root' }, 400, 'role: must be one of customer, staff, admin'],
      [
        'a customer key of an unknown customer',
        { role: 'customer', customerId: 'cus_x' },
        404,
        'no customer cus_x',
      ],
    ])('refuses %s', async (_what, body, status, detail) => {
      const p = await expectCall(api, status, 'POST', '/v1/api-keys', { body });
      expect(p.detail).toContain(detail);
      expect(await api.ledger.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    });
  });
}
