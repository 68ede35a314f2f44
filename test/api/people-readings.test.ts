import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../../src/audit/audit-log.js';
import { createTestApi, type TestApi } from '../support/api.js';
import {
  createHousehold,
  createKey,
  expectCall,
  type Household,
  type Json,
} from './fleet-fixtures.js';

const T = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

/**
 * Readings taken by people over HTTP: entering, validation refusals with their reasons, the source
 * everywhere a reading shows, corrections keeping the original, and the staff listing. The clock is
 * the test API's manual one: 2026-11-29T12:00:00Z.
 */
describe('readings taken by people', () => {
  let api: TestApi;
  let home: Household; // consent interval
  let quiet: Household; // consent month
  let staff: string;

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' });
    home = await createHousehold(api, 'ppl-a', undefined, { consent: 'interval' });
    quiet = await createHousehold(api, 'ppl-b', home.tariffId);
    staff = await createKey(api, 'staff');
    // Daily meter readings from 1 to 20 November, 1 kWh a day; then the meter falls silent.
    await api.store.writeBatch(
      ['ppl-a', 'ppl-b'].flatMap((meterId) =>
        Array.from({ length: 20 }, (_, d) => ({
          meterId,
          ts: T('2026-11-01T00:00:00Z') + d * DAY,
          importWh: 10_000 + d * 1000,
          powerW: 40,
          receivedAt: T('2026-11-01T00:00:00Z') + d * DAY,
        })),
      ),
    );
  });
  afterAll(() => api?.close());

  it('a customer enters an index on its own meter: 201, stored with source customer, audited, listed', async () => {
    const body = await expectCall(api, 201, 'POST', '/v1/meters/ppl-a/readings', {
      key: home.key,
      body: { ts: '2026-11-28T09:30:00+01:00', importWh: 36_400, note: 'read in the cellar' },
    });
    expect(body).toEqual({
      meterId: 'ppl-a',
      ts: '2026-11-28T08:30:00Z',
      importWh: 36_400,
      exportWh: null,
      source: 'customer',
      receivedAt: '2026-11-29T12:00:00Z',
    });
    const latest = await expectCall(api, 200, 'GET', '/v1/meters/ppl-a/readings/latest', {
      key: home.key,
    });
    expect(latest).toMatchObject({
      ts: '2026-11-28T08:30:00Z',
      importWh: 36_400,
      source: 'customer',
    });
    const audit = await auditOf(api.ledger.db, home.contractId);
    expect(audit.at(-1)).toMatchObject({
      action: 'reading_entered',
      actor: expect.stringMatching(/^key:/),
      detail: {
        meterId: 'ppl-a',
        source: 'customer',
        note: 'read in the cellar',
        importWh: 36_400,
      },
    });
    const list = await expectCall(api, 200, 'GET', '/v1/readings?source=customer', { key: staff });
    expect(list.items).toEqual([
      expect.objectContaining({
        kind: 'reading',
        meterId: 'ppl-a',
        ts: '2026-11-28T08:30:00Z',
        importWh: 36_400,
        source: 'customer',
        note: 'read in the cellar',
        reason: null,
        replaced: null,
        enteredAt: '2026-11-29T12:00:00Z',
      }),
    ]);
  });

  it('the same request again answers the stored reading and records nothing twice', async () => {
    const again = await expectCall(api, 201, 'POST', '/v1/meters/ppl-a/readings', {
      key: home.key,
      body: { ts: '2026-11-28T08:30:00Z', importWh: 36_400, note: 'read in the cellar' },
    });
    expect(again).toMatchObject({ importWh: 36_400, source: 'customer' });
    const list = await expectCall(api, 200, 'GET', '/v1/readings?meterId=ppl-a', { key: staff });
    expect(list.items).toHaveLength(1);
  });

  it('staff enter a reading: source staff', async () => {
    const body = await expectCall(api, 201, 'POST', '/v1/meters/ppl-b/readings', {
      key: staff,
      body: { ts: '2026-11-25T00:00:00Z', importWh: 34_000 },
    });
    expect(body).toMatchObject({ source: 'staff', importWh: 34_000 });
  });

  it.each([
    {
      name: 'more than 5 minutes ahead of the clock',
      body: { ts: '2026-11-29T12:05:01Z', importWh: 40_000 },
      status: 422,
      reason: 'future_timestamp',
    },
    {
      name: 'before the installation',
      body: { ts: '2026-02-28T22:59:59Z', importWh: 1 },
      status: 422,
      reason: 'before_installation',
    },
    {
      name: 'below the stored reading before it',
      body: { ts: '2026-11-21T00:00:00Z', importWh: 28_999 },
      status: 422,
      reason: 'register_decrease',
    },
    {
      name: 'above the stored reading after it',
      body: { ts: '2026-11-10T12:00:00Z', importWh: 20_500 },
      status: 422,
      reason: 'register_decrease',
    },
    {
      name: 'more power than the meter can draw (100 kW by default)',
      body: { ts: '2026-11-21T00:00:00Z', importWh: 29_000 + 100_001 * 24 },
      status: 422,
      reason: 'implausible_jump',
    },
    {
      name: 'a different reading at an instant already stored',
      body: { ts: '2026-11-05T00:00:00Z', importWh: 14_000 },
      status: 409,
      reason: 'conflicting_duplicate',
    },
  ])('refuses a reading $name: $status $reason', async ({ body, status, reason }) => {
    const res = await api.call('POST', '/v1/meters/ppl-a/readings', { key: home.key, body });
    expect(res.type).toBe('application/problem+json');
    expect(res).toMatchObject({ status, body: { status, reason } });
    expect((res.body as Json).code).toBe(status === 409 ? 'conflict' : 'unprocessable');
  });

  it('below consent interval, a refusal names no stored value or time', async () => {
    const res = await api.call('POST', '/v1/meters/ppl-b/readings', {
      key: quiet.key,
      body: { ts: '2026-11-10T12:00:00Z', importWh: 20_500 },
    });
    expect(res).toMatchObject({ status: 422, body: { reason: 'register_decrease' } });
    const detail = String((res.body as Json).detail);
    expect(detail).not.toMatch(/2026-11-11|20000/);
    // Staff see the neighbour.
    const asStaff = await api.call('POST', '/v1/meters/ppl-b/readings', {
      key: staff,
      body: { ts: '2026-11-10T12:00:00Z', importWh: 20_500 },
    });
    expect(String((asStaff.body as Json).detail)).toContain('2026-11-11');
  });

  it.each([
    [{ ts: 'yesterday', importWh: 1 }, /ts/],
    [{ ts: '2026-11-20T00:00:00Z', importWh: -1 }, /importWh/],
    [{ ts: '2026-11-20T00:00:00Z', importWh: 1.5 }, /importWh/],
    [{ ts: '2026-11-20T00:00:00Z', importWh: 1, note: 'x'.repeat(501) }, /note/],
    [{ ts: '2026-11-20T00:00:00Z', importWh: 1, note: 'a\u0007b' }, /note/],
    [{ ts: '2026-11-20T00:00:00Z', importWh: 1, source: 'staff' }, /source/],
  ])('invalid input %j: 400 naming the field', async (body, field) => {
    const res = await api.call('POST', '/v1/meters/ppl-a/readings', { key: home.key, body });
    expect(res).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(String((res.body as Json).detail)).toMatch(field);
  });

  it('staff correct a wrong reading: the original is kept, both audited, the latest says staff', async () => {
    const res = await expectCall(api, 201, 'POST', '/v1/meters/ppl-a/corrections', {
      key: staff,
      body: { ts: '2026-11-28T08:30:00Z', importWh: 36_300, reason: 'customer misread a digit' },
    });
    expect(res).toEqual({
      meterId: 'ppl-a',
      ts: '2026-11-28T08:30:00Z',
      importWh: 36_300,
      exportWh: null,
      source: 'staff',
      receivedAt: '2026-11-29T12:00:00Z',
      reason: 'customer misread a digit',
      replaced: {
        importWh: 36_400,
        exportWh: null,
        powerW: null,
        source: 'customer',
        receivedAt: '2026-11-29T12:00:00Z',
      },
    });
    const latest = await expectCall(api, 200, 'GET', '/v1/meters/ppl-a/readings/latest', {
      key: staff,
    });
    expect(latest).toMatchObject({ importWh: 36_300, source: 'staff' });
    const audit = await auditOf(api.ledger.db, home.contractId);
    expect(audit.map((a) => a.action).slice(-2)).toEqual(['reading_entered', 'reading_corrected']);
    expect(audit.at(-1)?.detail).toMatchObject({
      reason: 'customer misread a digit',
      replaced: { importWh: 36_400, source: 'customer' },
      importWh: 36_300,
    });
    const list = await expectCall(api, 200, 'GET', '/v1/readings?kind=correction', { key: staff });
    expect(list.items).toEqual([
      expect.objectContaining({
        kind: 'correction',
        reason: 'customer misread a digit',
        note: null,
      }),
    ]);
  });

  it('a correction replaces a meter reading, keeping its power; one where nothing was stored has no original', async () => {
    const res = await expectCall(api, 201, 'POST', '/v1/meters/ppl-a/corrections', {
      key: staff,
      body: { ts: '2026-11-05T00:00:00Z', importWh: 14_100, reason: 'meter glitch' },
    });
    expect(res.replaced).toMatchObject({ importWh: 14_000, powerW: 40, source: 'meter' });
    const filled = await expectCall(api, 201, 'POST', '/v1/meters/ppl-a/corrections', {
      key: staff,
      body: { ts: '2026-11-05T12:00:00Z', importWh: 14_500, reason: 'the rejected reading' },
    });
    expect(filled.replaced).toBeNull();
    const refused = await api.call('POST', '/v1/meters/ppl-a/corrections', {
      key: staff,
      body: { ts: '2026-11-05T00:00:00Z', importWh: 16_000, reason: 'too high' },
    });
    expect(refused).toMatchObject({ status: 422, body: { reason: 'register_decrease' } });
  });

  it('consumption and the export say which values rest on a reading staff entered', async () => {
    // Daily meter readings to 20 November, then staff's corrected reading on the 28th at 08:30Z:
    // every day whose end edge is interpolated towards it is manual.
    const days = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/ppl-a/consumption?groupBy=day&tz=UTC&from=2026-11-19T00:00:00Z&to=2026-11-28T00:00:00Z',
      { key: home.key },
    );
    expect((days.buckets as Json[]).map((b) => b.quality)).toEqual([
      'interpolated',
      ...Array.from({ length: 8 }, () => 'manual'),
    ]);
    const res = await api.app.request('/v1/customers/me/export', {
      headers: { authorization: `Bearer ${home.key}` },
    });
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const contracts = JSON.parse(strFromU8(files['contracts.json']!)) as Json[];
    const [meter] = contracts[0]?.meters as Json[];
    expect(meter?.latestReading).toMatchObject({
      ts: '2026-11-28T08:30:00Z',
      importWh: 36_300,
      source: 'staff',
    });
    const csv = strFromU8(files['readings.csv']!).split('\n');
    const quarter = csv.find((l) => l.includes(',2026-11-25T12:00:00Z,'));
    expect(quarter?.split(',').at(-1)).toBe('manual');
  });

  it('lists by source and meter, newest first, page by page', async () => {
    const first = await expectCall(api, 200, 'GET', '/v1/readings?limit=2', { key: staff });
    expect((first.items as Json[]).map((i) => i.kind)).toEqual(['correction', 'correction']);
    const second = await expectCall(
      api,
      200,
      'GET',
      `/v1/readings?limit=2&before=${String(first.nextCursor)}`,
      { key: staff },
    );
    expect((second.items as Json[]).map((i) => [i.kind, i.meterId])).toEqual([
      ['correction', 'ppl-a'],
      ['reading', 'ppl-b'],
    ]);
    const staffOnly = await expectCall(api, 200, 'GET', '/v1/readings?source=staff&meterId=ppl-b', {
      key: staff,
    });
    expect(staffOnly.items).toHaveLength(1);
    expect(staffOnly.nextCursor).toBeUndefined();
  });
});
