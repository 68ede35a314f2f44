import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { type Home, onBothSetups, type PrivacyWorld, storedTs } from './privacy-world.js';
import { auditOf } from '../../src/audit/audit-log.js';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { insertRejections } from '../../src/ingest/rejections-repo.js';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { ADMIN_KEY } from '../support/api.js';
import { expectCall, type Json } from '../api/fleet-fixtures.js';

const EVER = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2100, 0, 1) };

/** The meter ids InfluxDB still indexes (DROP SERIES removes them; a plain DELETE would not). */
async function indexedMeters(w: PrivacyWorld): Promise<string[]> {
  if (w.influx === undefined) return [];
  const [r] = await createInfluxClient(w.influx).query(
    'SHOW TAG VALUES FROM meter_reading WITH KEY = "meter_id"',
  );
  return (r?.series?.[0]?.values ?? []).map((v) => String(v[1]));
}

onBothSetups((setup, open) => {
  describe(`POST /v1/customers/{id}/erase (${setup})`, () => {
    let w: PrivacyWorld;
    let a: Home;
    let b: Home;
    let readingsOfA: number;

    beforeAll(async () => {
      w = await open();
      a = await w.home('era-a', {
        startsAt: '2026-10-01T00:00:00+02:00',
        name: 'Camille Martin',
        email: 'camille@example.org',
      });
      b = await w.home('era-b', { startsAt: '2026-10-01T00:00:00+02:00' });
      readingsOfA = (await w.readings('era-a', '2026-09-30T21:00:00Z', '2026-11-29T11:45:00Z'))
        .length;
      await w.readings('era-b', '2026-09-30T21:00:00Z', '2026-11-29T11:45:00Z');
      const rejected = (meterId: string) => ({
        id: `rej-${meterId}`,
        reason: 'register_decrease' as const,
        detail: 'x',
        meterId,
        topic: `meters/${meterId}/readings`,
        payload: '{"importWh":1}',
        payloadBytes: 14,
        receivedAt: w.clock.now(),
      });
      await insertRejections(w.api.ledger.db, w.clock, [rejected('era-a'), rejected('era-b')]);
    });
    afterAll(async () => {
      await w?.close();
    });

    it('is refused while the contract runs, then while a period is closed and not settled (409 problem+json)', async () => {
      const path = `/v1/customers/${a.customerId}/erase`;
      const running = await w.api.call('POST', path);
      expect(running).toMatchObject({ status: 409, body: { code: 'conflict' } });
      expect(running.type).toContain('application/problem+json');
      expect((running.body as Json).detail).toMatch(/still running/);
      expect((await w.api.call('POST', path, { key: await w.staffKey() })).status).toBe(403);
      expect((await w.api.call('POST', path, { key: a.key })).status).toBe(403);
      expect((await w.api.call('POST', '/v1/customers/cus_nobody/erase')).status).toBe(404);

      // Move-out on November 15: October and the first half of November
      // are closed, not yet settled.
      await expectCall(w.api, 200, 'POST', '/v1/billing/close', {
        body: { contractId: a.contractId, at: '2026-11-15T00:00:00+01:00' },
      });
      const unsettled = await w.api.call('POST', path);
      expect(unsettled.status).toBe(409);
      expect((unsettled.body as Json).detail).toMatch(/is closed; it must be settled first/);
      expect(await storedTs(w.api.store, 'era-a', EVER.from, EVER.to)).toHaveLength(readingsOfA);
    });

    it('once settled: erases the readings from the store, pseudonymises the customer, keeps the invoices, audits', async () => {
      await runSettlement(w.deps, w.billing, { actor: 'cron' });
      const invoicesBefore = (
        await expectCall(w.api, 200, 'GET', `/v1/contracts/${a.contractId}/invoices`)
      ).items as Json[];
      expect(invoicesBefore).toHaveLength(2);
      if (w.influx !== undefined) expect(await indexedMeters(w)).toContain('era-a');

      const done = await expectCall(w.api, 200, 'POST', `/v1/customers/${a.customerId}/erase`);
      expect(done).toMatchObject({
        customerId: a.customerId,
        contractIds: [a.contractId],
        meterIds: ['era-a'],
        readingsRemoved: readingsOfA,
        rejectionsRemoved: 1,
        apiKeysRevoked: 1,
      });
      expect(done.pseudonym).toMatch(/^erased-[0-9a-f]{16}$/);

      // Readings: gone from the store (and from InfluxDB's series index); the other
      // customer's are all there.
      expect(await storedTs(w.api.store, 'era-a', EVER.from, EVER.to)).toEqual([]);
      expect(await w.api.store.latest('era-a')).toBeUndefined();
      expect(await w.api.store.latest('era-b')).toBeDefined();
      if (w.influx !== undefined) expect(await indexedMeters(w)).toEqual(['era-b']);
      const rejections = await w.api.ledger.db
        .selectFrom('rejections')
        .select('meter_id')
        .execute();
      expect(rejections.map((r) => r.meter_id)).toEqual(['era-b']);

      // Personal fields: a pseudonym, no e-mail. Invoices: all kept, unchanged, naming nobody.
      expect(await expectCall(w.api, 200, 'GET', `/v1/customers/${a.customerId}`)).toMatchObject({
        name: done.pseudonym,
        email: null,
      });
      const invoicesAfter = (
        await expectCall(w.api, 200, 'GET', `/v1/contracts/${a.contractId}/invoices`)
      ).items as Json[];
      expect(invoicesAfter).toEqual(invoicesBefore);
      for (const inv of invoicesAfter) {
        const one = await expectCall(w.api, 200, 'GET', `/v1/invoices/${String(inv.number)}`);
        expect(JSON.stringify(one)).not.toMatch(/Camille|camille@/);
      }

      const audit = (await auditOf(w.api.ledger.db, a.contractId)).filter(
        (x) => x.action === 'customer_erase',
      );
      expect(audit).toEqual([
        expect.objectContaining({
          actor: 'key:bootstrap-admin',
          detail: expect.objectContaining({
            customerId: a.customerId,
            meters: { 'era-a': readingsOfA },
          }),
        }),
      ]);

      // The customer's key is revoked, at once: no cached key outlives the erasure.
      expect((await w.api.call('GET', '/v1/customers/me', { key: a.key })).status).toBe(401);
      expect((await w.api.call('GET', '/v1/customers/me/export', { key: a.key })).status).toBe(401);
      expect((await w.api.call('GET', '/v1/customers/me', { key: b.key })).status).toBe(200);
    });

    it('a second erasure is a conflict, not a second pseudonym', async () => {
      const again = await w.api.call('POST', `/v1/customers/${a.customerId}/erase`, {
        key: ADMIN_KEY,
      });
      expect(again.status).toBe(409);
      expect((again.body as Json).detail).toMatch(/already erased/);
    });
  });
});
