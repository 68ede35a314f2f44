import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before
// billing builds its schemas.
import { type Home, onBothSetups, type PrivacyWorld } from './privacy-world.js';
import { strFromU8, unzipSync } from 'fflate';
import { runSettlement } from '../../src/billing/settlement/run-settlement.js';
import { expectCall, type Json } from '../api/fleet-fixtures.js';

const FILES = [
  'README.md',
  'manifest.json',
  'profile.json',
  'contracts.json',
  'consents.json',
  'invoices.json',
  'readings.csv',
];

/** GET the export with `key`: status, content type and the unzipped files as text. */
async function download(
  w: PrivacyWorld,
  key: string,
): Promise<{ status: number; type: string; disposition: string; files: Record<string, string> }> {
  const res = await w.api.app.request('/v1/customers/me/export', {
    headers: { authorization: `Bearer ${key}` },
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const files =
    res.status === 200
      ? Object.fromEntries(Object.entries(unzipSync(bytes)).map(([n, b]) => [n, strFromU8(b)]))
      : {};
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    disposition: res.headers.get('content-disposition') ?? '',
    files,
  };
}

onBothSetups((setup, open) => {
  describe(`GET /v1/customers/me/export (${setup})`, () => {
    let w: PrivacyWorld;
    let a: Home;
    let b: Home;

    beforeAll(async () => {
      w = await open();
      a = await w.home('exp-a', {
        consent: 'day',
        startsAt: '2026-10-01T00:00:00+02:00',
        name: 'Camille Martin',
        email: 'camille@example.org',
      });
      b = await w.home('exp-b', {
        consent: 'interval',
        startsAt: '2026-10-01T00:00:00+02:00',
        name: 'Dominique Other',
        email: 'dominique@example.net',
      });
      await w.readings('exp-a', '2026-09-30T21:00:00Z', '2026-11-29T11:45:00Z');
      await w.readings('exp-b', '2026-09-30T21:00:00Z', '2026-11-29T11:45:00Z');
      // the clock is 2026-11-29: October settles
      await runSettlement(w.deps, w.billing, { actor: 'cron' });
    });
    afterAll(async () => {
      await w?.close();
    });

    it('is a zip with every file present and parseable, readings at the consented granularity', async () => {
      const got = await download(w, a.key);
      expect(got.status).toBe(200);
      expect(got.type).toBe('application/zip');
      expect(got.disposition).toMatch(
        new RegExp(`attachment; filename="wattledger-export-${a.customerId}-2026-11-29\\.zip"`),
      );
      expect(Object.keys(got.files).sort()).toEqual([...FILES].sort());

      const manifest = JSON.parse(got.files['manifest.json']!) as Json;
      expect(manifest).toMatchObject({
        format: 'wattledger-export',
        version: 1,
        customerId: a.customerId,
      });
      expect((manifest.files as { name: string }[]).map((f) => f.name)).toEqual(FILES.slice(2));
      const profile = JSON.parse(got.files['profile.json']!) as { customer: Json; apiKeys: Json[] };
      expect(profile.customer).toMatchObject({
        id: a.customerId,
        name: 'Camille Martin',
        email: 'camille@example.org',
      });
      expect(profile.apiKeys).toHaveLength(1);
      expect(JSON.stringify(profile)).not.toMatch(/wl_customer_|key_hash/);
      const contracts = JSON.parse(got.files['contracts.json']!) as Json[];
      expect(contracts).toEqual([
        expect.objectContaining({
          id: a.contractId,
          consent: 'day',
          timezone: 'Europe/Paris',
          // Consent `day`: no reading at one moment in the archive either.
          meters: [
            expect.objectContaining({
              id: 'exp-a',
              format: 'wattledger',
              topic: null,
              latestReading: null,
            }),
          ],
        }),
      ]);
      const consents = JSON.parse(got.files['consents.json']!) as {
        current: Json[];
        changes: Json[];
      };
      expect(consents.current).toEqual([{ contractId: a.contractId, consent: 'day' }]);
      expect(consents.changes).toEqual([
        expect.objectContaining({
          contractId: a.contractId,
          from: 'month',
          to: 'day',
          changedBy: 'customer',
        }),
      ]);
      const invoices = JSON.parse(got.files['invoices.json']!) as Json[];
      expect(invoices).toHaveLength(1);
      expect(invoices[0]).toMatchObject({
        contractId: a.contractId,
        kind: 'period',
        currency: 'EUR',
      });
      expect((invoices[0]!.lines as Json[]).map((l) => l.kind)).toEqual(
        expect.arrayContaining(['energy', 'standing_charge', 'tax']),
      );

      const [header, ...rows] = got.files['readings.csv']!.trimEnd().split('\n');
      expect(header).toBe('meter_id,contract_id,granularity,start,end,import_wh,export_wh,quality');
      // October 1 to November 29, local days; the 29th is still running and shows nothing.
      expect(rows).toHaveLength(31 + 29);
      const cells = rows.map((r) => r.split(','));
      expect(
        cells.every(
          (c) => c.length === 8 && c[0] === 'exp-a' && c[1] === a.contractId && c[2] === 'day',
        ),
      ).toBe(true);
      expect(cells[0]!.slice(3, 5)).toEqual(['2026-09-30T22:00:00Z', '2026-10-01T22:00:00Z']);
      expect(Number(cells[0]![5])).toBeGreaterThan(0);
      expect(cells.at(-1)!.slice(5)).toEqual(['', '', 'partial']);
      expect(got.files['README.md']).toMatch(/readings\.csv/);
    });

    it('holds nothing of another customer', async () => {
      const { files } = await download(w, a.key);
      const all = Object.values(files).join('\n');
      const otherInvoice = String(
        (
          (await expectCall(w.api, 200, 'GET', `/v1/contracts/${b.contractId}/invoices`))
            .items as Json[]
        )[0]!.number,
      );
      for (const foreign of [
        b.customerId,
        b.contractId,
        'exp-b',
        'Dominique Other',
        'dominique@example.net',
        otherInvoice,
      ])
        expect(all).not.toContain(foreign);
      // And B's own archive is B's: 15-minute rows, its invoice.
      const mine = await download(w, b.key);
      expect(mine.files['readings.csv']!.split('\n')[1]).toMatch(/^exp-b,.*,15m,/);
      expect(mine.files['invoices.json']).toContain(otherInvoice);
      // Under consent `interval` the archive holds each meter's latest reading, with where its
      // time came from.
      const [contract] = JSON.parse(mine.files['contracts.json']!) as {
        meters: { latestReading: Json | null }[];
      }[];
      expect(contract?.meters[0]?.latestReading).toMatchObject({
        ts: '2026-11-29T11:45:00Z',
        tsSource: 'meter',
        registers: null,
      });
    });

    it('is for customer keys only', async () => {
      const staff = await w.staffKey();
      for (const key of [staff, 'test-admin-key-0123456789']) {
        const res = await w.api.call('GET', '/v1/customers/me/export', { key });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ code: 'forbidden' });
      }
      expect((await w.api.call('GET', '/v1/customers/me/export', { key: null })).status).toBe(401);
    });
  });
});
