import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../../src/audit/audit-log.js';
import { expectCall, type Json } from '../api/fleet-fixtures.js';
import { type Home, onBothSetups, type PrivacyWorld } from './privacy-world.js';

const GROUP_BYS = ['15m', 'hour', 'day', 'month'] as const;
const ALLOWED = {
  month: ['month'],
  day: ['day', 'month'],
  interval: ['15m', 'hour', 'day', 'month'],
} as const;
const NEEDED = { '15m': 'interval', hour: 'interval', day: 'day', month: 'month' } as const;
// November 2026 in Paris; the test clock stands at 2026-11-29T12:00Z and readings run to 11:45Z.
const RANGE = 'from=2026-11-27T00:00:00%2B01:00&to=2026-11-28T00:00:00%2B01:00';
const consumption = (m: string, groupBy: string, extra = '') =>
  `/v1/meters/${m}/consumption?groupBy=${groupBy}&${RANGE}${extra}`;

onBothSetups((setup, open) => {
  describe(`consent governs what every role sees (${setup})`, () => {
    let w: PrivacyWorld;
    const homes: Partial<Record<keyof typeof ALLOWED, Home>> = {};
    let staff: string;
    let admin: string;

    beforeAll(async () => {
      w = await open();
      staff = await w.staffKey();
      admin = String(
        (await expectCall(w.api, 201, 'POST', '/v1/api-keys', { body: { role: 'admin' } })).key,
      );
      for (const level of ['month', 'day', 'interval'] as const) {
        homes[level] = await w.home(`consent-${level}`, {
          consent: level,
          startsAt: '2026-11-01T00:00:00+01:00',
        });
        await w.readings(`consent-${level}`, '2026-10-31T23:00:00Z', '2026-11-29T11:45:00Z');
      }
    });
    afterAll(async () => {
      await w?.close();
    });

    it.each(['month', 'day', 'interval'] as const)(
      '%s consent: allowed granularities answer 200, finer ones 403 consent_required, for the customer, staff and admin alike',
      async (level) => {
        const home = homes[level]!;
        for (const key of [home.key, staff, admin]) {
          for (const groupBy of GROUP_BYS) {
            const res = await w.api.call('GET', consumption(home.meterId, groupBy), { key });
            if ((ALLOWED[level] as readonly string[]).includes(groupBy)) {
              expect(res.status, `${level} ${groupBy}`).toBe(200);
            } else {
              expect(res.status, `${level} ${groupBy}`).toBe(403);
              expect(res.type).toContain('application/problem+json');
              expect(res.body).toMatchObject({
                status: 403,
                code: 'consent_required',
                requiredConsent: NEEDED[groupBy],
                consent: level,
              });
              expect((res.body as Json).detail).toMatch(new RegExp(`"${NEEDED[groupBy]}"`));
            }
          }
          const latest = await w.api.call('GET', `/v1/meters/${home.meterId}/readings/latest`, {
            key,
          });
          expect(latest.status).toBe(level === 'interval' ? 200 : 403);
          if (level !== 'interval')
            expect(latest.body).toMatchObject({
              code: 'consent_required',
              requiredConsent: 'interval',
            });
        }
      },
    );

    it("below interval, days are cut in the contract's zone only; with interval any zone is fine", async () => {
      const other = '&tz=Asia/Kathmandu';
      expect(
        (await w.api.call('GET', consumption(homes.day!.meterId, 'day', other), { key: staff }))
          .body,
      ).toMatchObject({ code: 'consent_required', requiredConsent: 'interval' });
      expect(
        (
          await w.api.call('GET', consumption(homes.day!.meterId, 'day', '&tz=Europe/Paris'), {
            key: staff,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await w.api.call('GET', consumption(homes.interval!.meterId, 'day', other), {
            key: staff,
          })
        ).status,
      ).toBe(200);
    });

    it('a running bucket shows only its consented units that are over: past days for day consent, nothing for month', async () => {
      const month =
        '/consumption?groupBy=month&from=2026-11-01T00:00:00%2B01:00&to=2026-11-29T12:00:00Z';
      const days = (
        await w.api.call(
          'GET',
          `/v1/meters/${homes.day!.meterId}/consumption?groupBy=day&from=2026-11-01T00:00:00%2B01:00&to=2026-11-29T12:00:00Z`,
          { key: homes.day!.key },
        )
      ).body as Json;
      const dayBuckets = days.buckets as { importWh: number | null; quality: string }[];
      expect(dayBuckets).toHaveLength(29);
      expect(dayBuckets.at(-1)).toMatchObject({ importWh: null, quality: 'partial' });
      const pastDays = dayBuckets.slice(0, 28).reduce((a, b) => a + (b.importWh ?? 0), 0);
      const byDay = (
        await w.api.call('GET', `/v1/meters/${homes.day!.meterId}${month}`, { key: homes.day!.key })
      ).body as Json;
      expect(byDay.buckets).toEqual([
        expect.objectContaining({ quality: 'partial', importWh: pastDays }),
      ]);
      const byMonth = (
        await w.api.call('GET', `/v1/meters/${homes.month!.meterId}${month}`, { key: staff })
      ).body as Json;
      expect(byMonth.buckets).toEqual([
        expect.objectContaining({ quality: 'partial', importWh: null }),
      ]);
      expect(byMonth.totals).toMatchObject({ importWh: 0 });
      // With interval consent the running month shows everything up to the latest reading.
      const full = (
        await w.api.call('GET', `/v1/meters/${homes.interval!.meterId}${month}`, { key: staff })
      ).body as { buckets: { importWh: number }[] };
      expect(full.buckets[0]!.importWh).toBeGreaterThan(pastDays);
    });

    it("PUT consent: the owner and admins change it, staff may not, another customer's contract is 404; every change is audited", async () => {
      const home = await w.home('consent-put');
      const other = homes.day!;
      const path = `/v1/contracts/${home.contractId}/consent`;
      expect(
        (await expectCall(w.api, 200, 'GET', `/v1/contracts/${home.contractId}`, { key: home.key }))
          .consent,
      ).toBe('month');
      expect(
        await w.api.call('PUT', path, { key: staff, body: { granularity: 'day' } }),
      ).toMatchObject({ status: 403, body: { code: 'forbidden' } });
      expect(
        (await w.api.call('PUT', path, { key: other.key, body: { granularity: 'day' } })).status,
      ).toBe(404);
      expect(
        (await w.api.call('PUT', path, { key: home.key, body: { granularity: 'hourly' } })).status,
      ).toBe(400);
      expect((await w.api.call('PUT', path, { key: home.key, body: {} })).status).toBe(400);

      expect(
        await expectCall(w.api, 200, 'PUT', path, {
          key: home.key,
          body: { granularity: 'interval' },
        }),
      ).toMatchObject({ id: home.contractId, consent: 'interval' });
      // The API now remembers this meter's consent (interval) for a few seconds...
      expect(
        (await w.api.call('GET', consumption(home.meterId, 'hour'), { key: staff })).status,
      ).toBe(200);
      w.clock.advance(1_000);
      await expectCall(w.api, 200, 'PUT', path, { key: admin, body: { granularity: 'day' } });
      // no change, no audit row
      await expectCall(w.api, 200, 'PUT', path, { key: home.key, body: { granularity: 'day' } });
      const audit = (await auditOf(w.api.ledger.db, home.contractId)).filter(
        (a) => a.action === 'consent_change',
      );
      expect(audit.map((a) => [a.detail, a.actor.startsWith('key:')])).toEqual([
        [{ from: 'month', to: 'interval', role: 'customer' }, true],
        [{ from: 'interval', to: 'day', role: 'admin' }, true],
      ]);
      expect(audit[1]!.at > audit[0]!.at).toBe(true);
      // ...and the withdrawal to day still applies to the very next request.
      expect(
        (await w.api.call('GET', consumption(home.meterId, 'hour'), { key: staff })).status,
      ).toBe(403);
      expect(
        (await w.api.call('GET', consumption(home.meterId, 'day'), { key: staff })).status,
      ).toBe(200);
    });
  });
});
