import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before billing builds schemas.
import { createTestApi, type TestApi } from '../support/api.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { shownEstimates } from '../../src/billing/accuracy/estimate-records.js';
import type { Reading } from '../../src/readings/reading.js';
import type { manualClock } from '../../src/shared/clock.js';
import { create, DESIGN_TARIFF, expectCall, idOf, type Json } from '../api/fleet-fixtures.js';

const Q = 900_000;
const DAY = 86_400_000;
/** Local 1 October 2026 in Paris: the contracts start; October is their history. */
const OCT = Date.parse('2026-09-30T22:00:00Z');
/** Local 1 November 2026: the month whose accuracy is asked. */
const NOV = Date.parse('2026-10-31T23:00:00Z');
/** The end of local day d of November (Paris is UTC+1 all month). */
const endOfDay = (d: number) => NOV + d * DAY;
/** The household's meter is silent from the end of 7 to the end of 11 November, sent late. */
const GAP = { from: endOfDay(7), to: endOfDay(11) };
const LATE_RECEIPT = endOfDay(19);

/** Watts at `t` of a household whose days differ: a seeded swing around an evening peak. */
function watts(t: number, scale: number): number {
  const day = Math.floor((t - OCT) / DAY);
  const hour = new Date(t).getUTCHours();
  const swing = 1 + 0.4 * Math.sin(day * 2.3);
  return scale * swing * (hour >= 17 && hour < 22 ? 3 : 1);
}
/** Solar export of the second household: midday, some days sunnier. */
const solarW = (t: number) => {
  const hour = new Date(t).getUTCHours();
  const day = Math.floor((t - OCT) / DAY);
  return hour >= 9 && hour < 14 ? 800 * (1 + 0.5 * Math.cos(day * 1.7)) : 0;
};

/** The whole quarter-hour series of one meter from OCT, each with the receipt time of the test. */
function series(meterId: string, until: number, solar: boolean): Reading[] {
  const out: Reading[] = [];
  let imp = 5_000_000;
  let exp = 0;
  for (let t = OCT; t <= until; t += Q) {
    const late = meterId === 'm-acc' && t > GAP.from && t < GAP.to;
    out.push({
      meterId,
      ts: t,
      importWh: Math.round(imp),
      ...(solar ? { exportWh: Math.round(exp) } : {}),
      receivedAt: late ? LATE_RECEIPT : t + 1_000,
    });
    const net = watts(t, solar ? 250 : 400) - (solar ? solarW(t) : 0);
    imp += Math.max(0, net) / 4;
    exp += Math.max(0, -net) / 4;
  }
  return out;
}

function accuracySuite(name: string, ledgerUrl: () => Promise<string | undefined>): void {
  describe(`accuracy as it stood (${name})`, () => {
    let api: TestApi;
    let clock: ReturnType<typeof manualClock>;
    const all = new Map<string, Reading[]>();
    const written = new Set<string>();
    const homes: { contractId: string; key: string; meterId: string }[] = [];
    let staff: string;
    /** What the customer was shown at each stage, by meter. */
    const shown = new Map<string, Map<number, Json>>();

    /** Move the clock to `t` and store every reading received by then. */
    async function at(t: number): Promise<void> {
      clock.set(new Date(t).toISOString());
      const batch: Reading[] = [];
      for (const rs of all.values())
        for (const r of rs) {
          const k = `${r.meterId}@${r.ts}`;
          if (r.receivedAt <= t && !written.has(k)) {
            written.add(k);
            batch.push(r);
          }
        }
      for (let i = 0; i < batch.length; i += 5000)
        await api.store.writeBatch(batch.slice(i, i + 5000));
    }

    beforeAll(async () => {
      api = await createTestApi({ ledgerUrl: await ledgerUrl(), clock: 'manual' });
      clock = api.clock as ReturnType<typeof manualClock>;
      clock.set('2026-09-30T23:00:00Z');
      const tariffId = idOf(await create(api, '/v1/tariffs', DESIGN_TARIFF));
      for (const [meterId, solar] of [
        ['m-acc', false],
        ['m-sol', true],
      ] as const) {
        const customerId = idOf(await create(api, '/v1/customers', { name: meterId }));
        const contractId = idOf(
          await create(api, '/v1/contracts', {
            customerId,
            tariffId,
            timezone: 'Europe/Paris',
            startsAt: new Date(OCT).toISOString(),
          }),
        );
        await create(api, '/v1/meters', {
          id: meterId,
          contractId,
          installedAt: '2026-09-01T00:00:00Z',
        });
        const key = String(
          (await create(api, '/v1/api-keys', { role: 'customer', customerId })).key,
        );
        await expectCall(api, 200, 'PUT', `/v1/contracts/${contractId}/consent`, {
          key,
          body: { granularity: 'interval' },
        });
        homes.push({ contractId, key, meterId });
        all.set(meterId, series(meterId, Date.parse('2026-12-05T00:00:00Z'), solar));
        shown.set(meterId, new Map());
      }
      staff = String((await create(api, '/v1/api-keys', { role: 'staff' })).key);
    }, 60_000);
    afterAll(async () => {
      await api?.close();
    });

    it('shows the customer an estimate with a range at the end of day 3, 10, 15 and 25', async () => {
      for (const d of [3, 10, 15, 25]) {
        await at(endOfDay(d));
        for (const h of homes) {
          const b = await expectCall(api, 200, 'GET', `/v1/contracts/${h.contractId}/bill`, {
            key: h.key,
          });
          expect(b).toMatchObject({
            status: 'estimated',
            basis: { method: 'household-bootstrap' },
          });
          const e = b.estimate as Json;
          expect(e.p50).toBe(b.total);
          shown.get(h.meterId)!.set(d, e);
          // Asking again shows the same figures: the daily record keeps one row for them.
          await expectCall(api, 200, 'GET', `/v1/contracts/${h.contractId}/bill`, { key: h.key });
        }
        if (d === 15) await at(LATE_RECEIPT); // the silent meter's readings arrive
      }
      // Day 10 was shown while the meter was silent: as of its last reading on the 7th.
      const records = await shownEstimates(
        api.ledger.db,
        homes[0]!.contractId,
        '2026-11-01',
        '2026-11-30',
      );
      expect(records.map((r) => [r.day, r.viewer, r.p50])).toEqual(
        [3, 10, 15, 25].map((d) => [
          `2026-11-${String(d + 1).padStart(2, '0')}`,
          'customer',
          shown.get('m-acc')!.get(d)!.p50,
        ]),
      );
      expect(records[1]!.asOf).toBe(new Date(GAP.from).toISOString().replace('.000Z', 'Z'));
    }, 60_000);

    it('publishes the accuracy of those very estimates once November is settled', async () => {
      await at(Date.parse('2026-12-05T00:00:00Z'));
      expect(
        await expectCall(api, 200, 'POST', '/v1/billing/settle', { key: staff }),
      ).toMatchObject({ settled: 4, held: 0 }); // October and November of both homes
      const acc = await expectCall(api, 200, 'GET', '/v1/billing/accuracy?month=2026-11', {
        key: staff,
      });
      expect(acc).toMatchObject({ month: '2026-11', bills: 2 });
      expect((acc.stages as Json[]).map((s) => [s.day, s.bills])).toEqual([
        [3, 2],
        [10, 2],
        [15, 2],
        [25, 2],
      ]);
      const segments = acc.segments as Record<string, Json>;
      for (const [segment, meterId] of [
        ['nonSolar', 'm-acc'],
        ['solar', 'm-sol'],
      ] as const) {
        const h = homes.find((x) => x.meterId === meterId)!;
        const invoice = (
          (
            await expectCall(api, 200, 'GET', `/v1/contracts/${h.contractId}/invoices`, {
              key: staff,
            })
          ).items as Json[]
        )[0]!;
        const settled = Number(invoice.total);
        expect(segments[segment]!.bills).toBe(1);
        for (const s of segments[segment]!.stages as Json[]) {
          const e = shown.get(meterId)!.get(s.day as number)!;
          const error = (Math.abs(Number(e.p50) - settled) / Math.abs(settled)) * 100;
          expect(s.medianAbsPctError, `${meterId} day ${String(s.day)}`).toBe(
            Math.round(error * 100) / 100,
          );
          expect(s.p90AbsPctError).toBe(s.medianAbsPctError);
          const inside = Number(e.p10) <= settled && settled <= Number(e.p90);
          expect(s.coverage80).toBe(inside ? 100 : 0);
        }
      }
    }, 60_000);

    it('answers the same later, whatever readings arrived since', async () => {
      const before = await expectCall(api, 200, 'GET', '/v1/billing/accuracy?month=2026-11', {
        key: staff,
      });
      // A reading off the quarter-hour grid, received today, that moves the index inside November.
      const near = all.get('m-acc')!.find((r) => r.ts === endOfDay(4))!;
      await api.store.writeBatch([
        { ...near, ts: near.ts - 7 * 60_000, importWh: near.importWh - 1, receivedAt: clock.now() },
      ]);
      expect(
        await expectCall(api, 200, 'GET', '/v1/billing/accuracy?month=2026-11', { key: staff }),
      ).toEqual(before);
    });

    it('answers a month without settled periods with nulls, and refuses bad input', async () => {
      expect(
        await expectCall(api, 200, 'GET', '/v1/billing/accuracy?month=2026-12', { key: staff }),
      ).toMatchObject({
        bills: 0,
        stages: [3, 10, 15, 25].map((day) => ({
          day,
          bills: 0,
          medianAbsPctError: null,
          p90AbsPctError: null,
          coverage80: null,
        })),
      });
      for (const q of ['month=2026-13', 'month=26-11', '', 'month=2026-11&extra=1'])
        expect(await api.call('GET', `/v1/billing/accuracy?${q}`, { key: staff })).toMatchObject({
          status: 400,
          type: 'application/problem+json',
        });
    });
  });
}

accuracySuite('SQLite', async () => undefined);
describeOnPostgres((createDatabase) => accuracySuite('PostgreSQL', createDatabase));
