import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before billing builds schemas.
import { createTestApi, type TestApi } from '../support/api.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import type { Consent } from '../../src/privacy/consent.js';
import type { manualClock } from '../../src/shared/clock.js';
import { create, DESIGN_TARIFF, expectCall, idOf, type Json } from '../api/fleet-fixtures.js';

const Q = 900_000;
/** Local 1 October 2026 00:00 in Europe/Paris: the contract starts, October is a whole month. */
const OCT = '2026-09-30T22:00:00Z';
/** Local 1 November 2026 00:00 in Europe/Paris: the open period starts. */
const NOV = '2026-10-31T23:00:00Z';

/** The suite on a ledger: `ledgerUrl` gives a fresh one (undefined: SQLite in memory). */
function estimateSuite(name: string, ledgerUrl: () => Promise<string | undefined>): void {
  describe(`the estimate rests on no data finer than the consent (${name})`, () => {
    let api: TestApi;
    let clock: ReturnType<typeof manualClock>;
    let wh: number;
    let lastTs: number;
    let c: { contractId: string; key: string; staff: string };

    /** Quarter-hour readings up to `to`: more at night, a morning peak, so every quarter differs. */
    async function readUpTo(to: string): Promise<void> {
      const out = [];
      for (let ts = lastTs + Q; ts <= Date.parse(to); ts += Q) {
        const hour = new Date(ts).getUTCHours();
        wh += (hour >= 20 || hour < 5 ? 120 : 40) + (hour === 6 ? 200 : 0) + ((ts / Q) % 7);
        out.push({ meterId: 'm-c', ts, importWh: wh, receivedAt: ts + 1000 });
        lastTs = ts;
      }
      await api.store.writeBatch(out);
    }

    /** Move the clock to `iso`, the meter having spoken every quarter hour up to then. */
    async function at(iso: string): Promise<void> {
      clock.set(iso);
      await readUpTo(iso);
    }

    const bill = async (key = c.key) =>
      expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}/bill`, { key });

    async function withConsent(consent: Consent): Promise<void> {
      await expectCall(api, 200, 'PUT', `/v1/contracts/${c.contractId}/consent`, {
        key: c.key,
        body: { granularity: consent },
      });
    }

    beforeEach(async () => {
      api = await createTestApi({ ledgerUrl: await ledgerUrl(), clock: 'manual' });
      clock = api.clock as ReturnType<typeof manualClock>;
      clock.set('2026-11-15T12:00:00Z');
      const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
      const customerId = idOf(await create(api, '/v1/customers', { name: 'Household' }));
      const contractId = idOf(
        await create(api, '/v1/contracts', {
          customerId,
          tariffId,
          timezone: 'Europe/Paris',
          startsAt: OCT,
        }),
      );
      await create(api, '/v1/meters', {
        id: 'm-c',
        contractId,
        installedAt: '2026-09-01T00:00:00Z',
      });
      const key = String((await create(api, '/v1/api-keys', { role: 'customer', customerId })).key);
      const staff = String((await create(api, '/v1/api-keys', { role: 'staff' })).key);
      c = { contractId, key, staff };
      wh = 1_000_000;
      lastTs = Date.parse(OCT) - Q;
      await readUpTo('2026-11-15T12:00:00Z');
    });
    afterEach(async () => {
      await api.close();
    });

    it('month: no measured part, the previous whole month projected evenly; still within the month', async () => {
      const first = await bill();
      expect(first).toMatchObject({
        status: 'estimated',
        basis: {
          measuredImportWh: 0,
          asOf: NOV,
          method: 'fleet-bootstrap',
          projection: 'month-average',
        },
      });
      expect((first.basis as Json).projectedImportWh).toBeGreaterThan(0);
      // Staff see the same bill as the customer.
      expect(await bill(c.staff)).toEqual(first);
      for (const later of [
        '2026-11-15T12:15:00Z',
        '2026-11-15T23:30:00Z',
        '2026-11-30T22:45:00Z',
      ]) {
        await at(later);
        expect(await bill()).toEqual(first);
        expect(await bill(c.staff)).toEqual(first);
      }
    });

    it('day: measured up to the last local midnight, moving only when a midnight passes', async () => {
      await withConsent('day');
      const first = await bill();
      // Local midnight of 15 November in Paris (UTC+1).
      expect(first).toMatchObject({
        status: 'estimated',
        basis: {
          asOf: '2026-11-14T23:00:00Z',
          method: 'household-bootstrap',
          projection: 'recent-weeks',
        },
      });
      expect((first.basis as Json).measuredImportWh).toBeGreaterThan(0);
      expect(await bill(c.staff)).toEqual(first);
      for (const later of ['2026-11-15T12:15:00Z', '2026-11-15T22:45:00Z']) {
        await at(later);
        expect(await bill()).toEqual(first);
      }
      await at('2026-11-15T23:00:00Z');
      const next = await bill();
      expect(next).toMatchObject({
        basis: { asOf: '2026-11-15T23:00:00Z', method: 'household-bootstrap' },
      });
      expect((next.basis as Json).measuredImportWh).toBeGreaterThan(
        (first.basis as Json).measuredImportWh as number,
      );
      await at('2026-11-16T09:30:00Z');
      expect(await bill()).toEqual(next);
    });

    it('interval: as of the latest reading, moving every quarter hour', async () => {
      await withConsent('interval');
      const first = await bill();
      expect(first).toMatchObject({
        basis: { asOf: '2026-11-15T12:00:00Z', method: 'household-bootstrap' },
      });
      await at('2026-11-15T12:15:00Z');
      const next = await bill();
      expect(next).toMatchObject({ basis: { asOf: '2026-11-15T12:15:00Z' } });
      expect((next.basis as Json).measuredImportWh).toBeGreaterThan(
        (first.basis as Json).measuredImportWh as number,
      );
    });
  });
}

estimateSuite('SQLite', async () => undefined);
describeOnPostgres((createDatabase) => estimateSuite('PostgreSQL', createDatabase));
