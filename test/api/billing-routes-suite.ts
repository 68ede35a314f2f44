import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/shared/clock.js';
import type { TestApi } from '../support/api.js';
import { create, DESIGN_TARIFF, expectCall, idOf, type Json } from './fleet-fixtures.js';

export type Clock = ReturnType<typeof manualClock>;

const HOUR = 3_600_000;
/** Local 1 November 2026 00:00 in Europe/Paris (UTC+1): where the contracts of this suite start. */
const NOV = '2026-10-31T23:00:00Z';
/** Local 1 December 2026 00:00 in Europe/Paris: the end of the November period. */
const DEC = '2026-11-30T23:00:00Z';

interface Contract {
  readonly contractId: string;
  readonly customerId: string;
  readonly key: string;
}

/** Amounts of lines added exactly. */
const sumOf = (lines: readonly Json[]) =>
  lines.reduce((a, l) => a.plus(String(l.amount)), new Decimal(0)).toFixed(2);

/**
 * The billing read API and billing operations through HTTP against a real ledger and the embedded
 * readings store: estimate, provisional bill, settlement into an invoice, hold and
 * release, move-out, monthly summary, and the 4xx answers to bad input. `open` answers
 * an API over a fresh ledger.
 */
export function describeBillingRoutes(
  name: string,
  open: (clock: Clock) => Promise<TestApi>,
): void {
  describe(`billing routes: ${name}`, () => {
    let api: TestApi;
    let clock: Clock;
    let tariffs: Map<string, string>;
    beforeEach(async () => {
      clock = manualClock('2026-11-15T12:00:00Z');
      api = await open(clock);
      tariffs = new Map();
    });
    afterEach(async () => {
      await api.close();
    });

    /**
     * A customer with a contract on the docs/design.md §5 tariff (or its USD twin) from
     * `startsAt`, one meter and a customer key.
     */
    async function contract(
      meterId: string,
      opts: { startsAt?: string; tz?: string; currency?: string } = {},
    ): Promise<Contract> {
      const currency = opts.currency ?? 'EUR';
      let tariffId = tariffs.get(currency);
      if (tariffId === undefined)
        tariffs.set(
          currency,
          (tariffId = idOf(await create(api, '/v1/tariffs', { ...DESIGN_TARIFF, currency }))),
        );
      const customerId = idOf(await create(api, '/v1/customers', { name: `Household ${meterId}` }));
      const contractId = idOf(
        await create(api, '/v1/contracts', {
          customerId,
          tariffId,
          timezone: opts.tz ?? 'Europe/Paris',
          startsAt: opts.startsAt ?? NOV,
        }),
      );
      await create(api, '/v1/meters', {
        id: meterId,
        contractId,
        installedAt: '2026-10-01T00:00:00Z',
      });
      const key = String((await create(api, '/v1/api-keys', { role: 'customer', customerId })).key);
      return { contractId, customerId, key };
    }

    /**
     * Hourly readings of a steady 250 W load over [from, to]; the register
     * reads 1,000,000 Wh at `NOV`.
     */
    async function readings(meterId: string, from: string, to: string): Promise<void> {
      const out = [];
      for (let ts = Date.parse(from); ts <= Date.parse(to); ts += HOUR) {
        out.push({
          meterId,
          ts,
          importWh: 1_000_000 + ((ts - Date.parse(NOV)) / HOUR) * 250,
          receivedAt: clock.now(),
        });
      }
      await api.store.writeBatch(out);
    }

    const bill = (c: Contract, at?: string) =>
      expectCall(
        api,
        200,
        'GET',
        `/v1/contracts/${c.contractId}/bill${at === undefined ? '' : `?at=${encodeURIComponent(at)}`}`,
        { key: c.key },
      );
    const settle = (body?: Json) =>
      expectCall(api, 200, 'POST', '/v1/billing/settle', body === undefined ? {} : { body });

    it('estimates the open period: measured so far plus the projection, standing charge for the full month, lines adding up', async () => {
      const c = await contract('m-est');
      // Down to the latest reading needs `interval` consent; month and day consent estimates are
      // in test/billing/consented-estimate.test.ts.
      await expectCall(api, 200, 'PUT', `/v1/contracts/${c.contractId}/consent`, {
        key: c.key,
        body: { granularity: 'interval' },
      });
      await readings('m-est', NOV, '2026-11-15T12:00:00Z');
      const b = await bill(c);
      expect(b).toMatchObject({
        contractId: c.contractId,
        period: { start: NOV, end: DEC },
        status: 'estimated',
        currency: 'EUR',
        // 14 days 13 h measured, 15 days 11 h projected at the level window's 250 W: 30 days of
        // 6 kWh.
        basis: {
          measuredImportWh: 87_250,
          projectedImportWh: 92_750,
          asOf: '2026-11-15T12:00:00Z',
          method: 'household-bootstrap',
          projection: 'recent-weeks',
        },
      });
      // Two weeks of a steady load: the household's own residuals are zero, so is the range.
      expect(b.estimate).toEqual({ p10: b.total, p50: b.total, p90: b.total });
      expect(b).not.toHaveProperty('invoiceNumber');
      const lines = b.lines as Json[];
      expect(lines.find((l) => l.kind === 'standing_charge')).toMatchObject({
        quantity: '30.0000',
        unit: 'day',
        unitPrice: '0.4512',
        amount: '13.54',
      });
      const energy = lines.filter((l) => l.kind === 'energy');
      expect(energy.reduce((a, l) => a.plus(String(l.quantity)), new Decimal(0)).toFixed(3)).toBe(
        '180.000',
      );
      expect(sumOf(lines)).toBe(b.total);
      expect(sumOf(lines.filter((l) => !String(l.description).startsWith('VAT')))).toBe(b.subtotal);
      // The same bill for any instant of the period, also one later today
      // (the estimate is as of now).
      expect(await bill(c, '2026-11-01T00:00:00+01:00')).toEqual(b);
      expect(await bill(c, '2026-11-29T00:00:00Z')).toEqual(b);
    });

    it('answers an ended period as provisional (measured only) until it is settled after the grace window', async () => {
      const c = await contract('m-set');
      clock.set('2026-12-01T10:00:00Z');
      await readings('m-set', NOV, '2026-12-01T10:00:00Z');
      const provisional = await bill(c, '2026-11-20T00:00:00Z');
      expect(provisional).toMatchObject({
        status: 'provisional',
        period: { start: NOV, end: DEC },
        basis: { measuredImportWh: 180_000, projectedImportWh: 0, method: 'measured' },
      });
      expect(sumOf(provisional.lines as Json[])).toBe(provisional.total);
      expect((await bill(c)).status).toBe('estimated'); // December

      // Inside the grace window settlement closes the period but waits for late readings.
      expect(await settle()).toEqual({
        closed: 1,
        settled: 0,
        held: 0,
        failed: 0,
        adjusted: 0,
        notBilled: 0,
      });
      expect((await bill(c, '2026-11-20T00:00:00Z')).status).toBe('provisional');

      clock.set('2026-12-04T00:00:00Z');
      expect(await settle()).toEqual({
        closed: 0,
        settled: 1,
        held: 0,
        failed: 0,
        adjusted: 0,
        notBilled: 0,
      });
      const settled = await bill(c, '2026-11-20T00:00:00Z');
      expect(settled).toEqual({
        ...provisional,
        status: 'settled',
        invoiceNumber: 'INV-2026-000001',
      });

      const invoice = await expectCall(api, 200, 'GET', '/v1/invoices/INV-2026-000001', {
        key: c.key,
      });
      expect(invoice).toEqual({
        number: 'INV-2026-000001',
        kind: 'period',
        contractId: c.contractId,
        customerId: c.customerId,
        period: { start: NOV, end: DEC },
        currency: 'EUR',
        lines: provisional.lines,
        subtotal: provisional.subtotal,
        total: provisional.total,
        basis: provisional.basis,
        issuedAt: '2026-12-04T00:00:00Z',
      });
      expect(
        await expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}/invoices`, { key: c.key }),
      ).toEqual({ items: [invoice] });
      expect(
        await expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}/periods`, { key: c.key }),
      ).toEqual({
        items: [
          {
            id: null,
            start: DEC,
            end: '2026-12-31T23:00:00Z',
            status: 'open',
            holdReason: null,
            closedAt: null,
            settledAt: null,
            invoiceNumber: null,
          },
          {
            id: expect.stringMatching(/^per_/),
            start: NOV,
            end: DEC,
            status: 'settled',
            holdReason: null,
            closedAt: '2026-12-01T10:00:00Z',
            settledAt: '2026-12-04T00:00:00Z',
            invoiceNumber: 'INV-2026-000001',
          },
        ],
      });
      // Settling again issues nothing more.
      expect(await settle()).toMatchObject({ settled: 0, held: 0 });
      await expectCall(api, 404, 'GET', '/v1/invoices/INV-2026-000002');
    });

    it('holds a period without a reading after its end, and settles it once one arrives', async () => {
      const c = await contract('m-held');
      await readings('m-held', NOV, '2026-11-30T20:00:00Z');
      clock.set('2026-12-04T00:00:00Z');
      expect(await settle({ contractId: c.contractId })).toEqual({
        closed: 1,
        settled: 0,
        held: 1,
        failed: 0,
        adjusted: 0,
        notBilled: 0,
      });
      const held = await bill(c, '2026-11-20T00:00:00Z');
      expect(held).toMatchObject({
        status: 'held',
        holdReason: expect.stringContaining('no reading'),
        basis: { method: 'measured', projectedImportWh: 0 },
      });
      expect(sumOf(held.lines as Json[])).toBe(held.total);
      const periods = (await expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}/periods`))
        .items as Json[];
      expect(periods[1]).toMatchObject({
        start: NOV,
        status: 'held',
        holdReason: held.holdReason,
        invoiceNumber: null,
      });

      await readings('m-held', '2026-11-30T21:00:00Z', '2026-12-01T02:00:00Z');
      expect(await settle()).toMatchObject({ settled: 1, held: 0, failed: 0 });
      const settled = await bill(c, '2026-11-20T00:00:00Z');
      expect(settled).toMatchObject({
        status: 'settled',
        invoiceNumber: 'INV-2026-000001',
        basis: { measuredImportWh: 180_000 },
      });
      expect(settled).not.toHaveProperty('holdReason');
    });

    it('records a move-out on a local 17th at 14:00: the last period ends there and is billed to there', async () => {
      const c = await contract('m-move');
      clock.set('2026-11-20T08:00:00Z');
      await readings('m-move', NOV, '2026-11-20T08:00:00Z');
      const res = await expectCall(api, 200, 'POST', '/v1/billing/close', {
        body: { contractId: c.contractId, at: '2026-11-17T14:00:00+01:00' },
      });
      expect(res).toEqual({
        closed: 1,
        periods: [
          {
            id: expect.stringMatching(/^per_/),
            contractId: c.contractId,
            start: NOV,
            end: '2026-11-17T13:00:00Z',
          },
        ],
      });
      expect((await expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}`)).endsAt).toBe(
        '2026-11-17T13:00:00Z',
      );

      const last = await bill(c, '2026-11-10T00:00:00Z');
      // An un-encoded `+` of an offset arrives as a space, and still means the offset.
      expect(
        await expectCall(
          api,
          200,
          'GET',
          `/v1/contracts/${c.contractId}/bill?at=2026-11-17T13:45:00+01:00`,
        ),
      ).toEqual(last);
      expect(last).toMatchObject({
        status: 'provisional',
        period: { start: NOV, end: '2026-11-17T13:00:00Z' },
        basis: { measuredImportWh: 16 * 24 * 250 + 14 * 250 },
      });
      // 16 days and 14 of the 24 hours of the 17th.
      expect((last.lines as Json[]).find((l) => l.kind === 'standing_charge')).toMatchObject({
        quantity: '16.5833',
      });
      const gone = await expectCall(api, 404, 'GET', `/v1/contracts/${c.contractId}/bill`);
      expect(gone.detail).toContain('ended at 2026-11-17T13:00:00Z');
      expect(await expectCall(api, 200, 'GET', `/v1/contracts/${c.contractId}/periods`)).toEqual({
        items: [
          {
            id: (res.periods as Json[])[0]!.id,
            start: NOV,
            end: '2026-11-17T13:00:00Z',
            status: 'closed',
            holdReason: null,
            closedAt: '2026-11-20T08:00:00Z',
            settledAt: null,
            invoiceNumber: null,
          },
        ],
      });
      // Once moved out, a second move-out is a conflict, not a new period.
      expect(
        await expectCall(api, 409, 'POST', '/v1/billing/close', {
          body: { contractId: c.contractId },
        }),
      ).toMatchObject({ code: 'conflict' });
    });

    it('takes close and settle without any body, or with an empty JSON body', async () => {
      await contract('m-body', { startsAt: '2026-10-01T00:00:00+02:00' });
      expect(await expectCall(api, 200, 'POST', '/v1/billing/close')).toEqual({
        closed: 1,
        periods: [expect.objectContaining({ start: '2026-09-30T22:00:00Z', end: NOV })],
      });
      expect(
        await expectCall(api, 200, 'POST', '/v1/billing/close', {
          rawBody: '',
          headers: { 'content-type': 'application/json' },
        }),
      ).toEqual({ closed: 0, periods: [] });
      expect(
        await expectCall(api, 200, 'POST', '/v1/billing/settle', {
          rawBody: ' ',
          headers: { 'content-type': 'application/json' },
        }),
      ).toMatchObject({ held: 1 });
      expect(await expectCall(api, 200, 'POST', '/v1/billing/settle')).toMatchObject({
        held: 1,
        settled: 0,
      });
    });

    it('sums the bills of a month per status and currency, each as the bill route answers it', async () => {
      const a = await contract('m-a');
      const b = await contract('m-b');
      const u = await contract('m-u', {
        tz: 'America/New_York',
        currency: 'USD',
        startsAt: '2026-11-01T00:00:00-04:00',
      });
      clock.set('2026-12-02T00:00:00Z');
      await readings('m-a', NOV, '2026-12-02T00:00:00Z');
      await readings('m-b', NOV, '2026-11-30T20:00:00Z');
      await readings('m-u', NOV, '2026-12-02T00:00:00Z');
      const total = async (cs: Contract[], at: string) => {
        const bills = await Promise.all(cs.map((c) => bill(c, at)));
        return bills.reduce((s, x) => s.plus(String(x.total)), new Decimal(0)).toFixed(2);
      };
      expect(await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2026-11')).toEqual({
        month: '2026-11',
        items: [
          {
            status: 'provisional',
            currency: 'EUR',
            count: 2,
            total: await total([a, b], '2026-11-15T00:00:00Z'),
          },
          {
            status: 'provisional',
            currency: 'USD',
            count: 1,
            total: await total([u], '2026-11-15T00:00:00Z'),
          },
        ],
      });
      // New York's December starts five hours after Paris's and has begun too: every
      // contract has an estimate.
      const dec = await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2026-12');
      expect(dec.items).toEqual([
        {
          status: 'estimated',
          currency: 'EUR',
          count: 2,
          total: await total([a, b], '2026-12-01T12:00:00Z'),
        },
        {
          status: 'estimated',
          currency: 'USD',
          count: 1,
          total: await total([u], '2026-12-01T12:00:00Z'),
        },
      ]);

      clock.set('2026-12-05T00:00:00Z');
      expect(await settle()).toMatchObject({ settled: 2, held: 1 });
      const settled = await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2026-11');
      expect(settled.items).toEqual([
        {
          status: 'settled',
          currency: 'EUR',
          count: 1,
          total: await total([a], '2026-11-15T00:00:00Z'),
        },
        {
          status: 'settled',
          currency: 'USD',
          count: 1,
          total: await total([u], '2026-11-15T00:00:00Z'),
        },
        {
          status: 'held',
          currency: 'EUR',
          count: 1,
          total: await total([b], '2026-11-15T00:00:00Z'),
        },
      ]);
      // Before any contract and in the future: nothing to count.
      expect(await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2026-10')).toEqual({
        month: '2026-10',
        items: [],
      });
      expect(await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2027-01')).toEqual({
        month: '2027-01',
        items: [],
      });
    });

    it('answers 503 while the readings store fails, except for what the ledger alone answers', async () => {
      const c = await contract('m-down');
      clock.set('2026-12-04T00:00:00Z');
      await readings('m-down', NOV, '2026-12-01T00:00:00Z');
      expect(await settle()).toMatchObject({ settled: 1 });
      await api.store.close(); // the real store, failing as a closed database does
      for (const path of [
        `/v1/contracts/${c.contractId}/bill`,
        '/v1/billing/summary?month=2026-12',
      ]) {
        expect(await expectCall(api, 503, 'GET', path)).toMatchObject({
          code: 'store_unavailable',
          status: 503,
        });
      }
      expect((await bill(c, '2026-11-20T00:00:00Z')).status).toBe('settled');
      expect(
        (await expectCall(api, 200, 'GET', '/v1/billing/summary?month=2026-11')).items,
      ).toEqual([expect.objectContaining({ status: 'settled', count: 1 })]);
    });

    it.each<[string, string, string, Json | undefined, number, RegExp]>([
      [
        'a month that is not YYYY-MM',
        'GET',
        '/v1/billing/summary?month=2026-13',
        undefined,
        400,
        /month must be YYYY-MM/,
      ],
      ['no month', 'GET', '/v1/billing/summary', undefined, 400, /month/],
      [
        'an at that is no instant',
        'GET',
        '/v1/contracts/{id}/bill?at=yesterday',
        undefined,
        400,
        /at must be an RFC 3339 instant/,
      ],
      [
        'an at of a period that has not started',
        'GET',
        '/v1/contracts/{id}/bill?at=2027-01-05T00:00:00Z',
        undefined,
        400,
        /period that has not started/,
      ],
      [
        'an at before the contract',
        'GET',
        '/v1/contracts/{id}/bill?at=2026-10-05T00:00:00Z',
        undefined,
        404,
        /no billing period at 2026-10-05T00:00:00Z: it starts at 2026-10-31T23:00:00Z/,
      ],
      [
        'a close at in the future',
        'POST',
        '/v1/billing/close',
        { at: '2026-12-01T00:00:00Z' },
        400,
        /in the future/,
      ],
      [
        'a close at that is no instant',
        'POST',
        '/v1/billing/close',
        { at: '2026-11-01' },
        400,
        /at: not an RFC 3339 timestamp/,
      ],
      [
        'a move-out in the future',
        'POST',
        '/v1/billing/close',
        { contractId: '{id}', at: '2026-11-20T00:00:00Z' },
        400,
        /in the future/,
      ],
      [
        'a move-out off the quarter hours',
        'POST',
        '/v1/billing/close',
        { contractId: '{id}', at: '2026-11-10T10:07:00Z' },
        400,
        /quarter hour/,
      ],
      [
        'a move-out of an unknown contract',
        'POST',
        '/v1/billing/close',
        { contractId: 'ctr_nobody' },
        404,
        /ctr_nobody/,
      ],
      ['a force that is no boolean', 'POST', '/v1/billing/settle', { force: 'yes' }, 400, /force/],
      ['malformed JSON', 'POST', '/v1/billing/settle', undefined, 400, /Malformed JSON/],
    ])(
      'answers %s with a problem, never 500',
      async (_what, method, path, body, status, detail) => {
        const c = await contract('m-bad');
        const url = path.replace('{id}', c.contractId);
        const opts =
          body === undefined
            ? method === 'POST'
              ? { rawBody: '{"force": tru', headers: { 'content-type': 'application/json' } }
              : {}
            : { body: JSON.parse(JSON.stringify(body).replace('{id}', c.contractId)) as unknown };
        const res = await api.call(method, url, opts);
        expect(res.status, JSON.stringify(res.body)).toBe(status);
        expect(res.type).toBe('application/problem+json');
        expect((res.body as Json).detail).toMatch(detail);
      },
    );
  });
}
