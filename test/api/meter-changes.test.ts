import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadings } from '../../src/ingest/plausibility.js';
import type { Reading } from '../../src/readings/reading.js';
import { createTestApi, type TestApi } from '../support/api.js';
import {
  createHousehold,
  createKey,
  expectCall,
  type Household,
  type Json,
} from './fleet-fixtures.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');

describe('meter changes over the API: counter rules, spans, exchange', () => {
  let api: TestApi;
  let a: Household;
  let b: Household;
  let staff: string;

  beforeAll(async () => {
    api = await createTestApi({ clock: 'manual' });
    a = await createHousehold(api, 'chg-a');
    b = await createHousehold(api, 'chg-b', a.tariffId);
    staff = await createKey(api, 'staff');
  });
  afterAll(async () => {
    await api.close();
  });

  it('staff change how a meter’s registers may go down; bad changes answer 400', async () => {
    const changed = await expectCall(api, 200, 'PATCH', '/v1/meters/chg-a', {
      key: staff,
      body: { counterResets: 'new-span', decreaseToleranceWh: 30 },
    });
    expect(changed).toMatchObject({
      id: 'chg-a',
      counterResets: 'new-span',
      decreaseToleranceWh: 30,
      registerMaxWh: null,
    });
    expect(await expectCall(api, 200, 'GET', '/v1/meters/chg-a', { key: a.key })).toMatchObject({
      counterResets: 'new-span',
    });
    for (const body of [{}, { registerMaxWh: -5 }, { counterResets: 'maybe' }, { colour: 1 }])
      await expectCall(api, 400, 'PATCH', '/v1/meters/chg-a', { key: staff, body });
    await expectCall(api, 404, 'PATCH', '/v1/meters/nope', {
      key: staff,
      body: { decreaseToleranceWh: 1 },
    });
  });

  it('lists where spans began, for the owner and staff only', async () => {
    // The device restarts its counter at 03:00: a new span.
    const raws: Reading[] = [0, 1, 2, 3, 4].map((h) => ({
      meterId: 'chg-a',
      ts: T0 + h * H,
      importWh: h < 3 ? 9_000 + 100 * h : 100 * (h - 2),
      receivedAt: T0 + h * H,
    }));
    const out = checkReadings(
      {
        installedAt: Date.parse('2026-03-01T00:00:00Z'),
        maxPowerW: 10_000,
        counter: { counterResets: 'new-span', registerMaxWh: null, decreaseToleranceWh: 30 },
      },
      [],
      raws,
    );
    expect(out.rejected).toEqual([]);
    await api.store.writeBatch(out.accepted);
    const spans = await expectCall(api, 200, 'GET', '/v1/meters/chg-a/spans', { key: a.key });
    expect(spans.items).toEqual([
      {
        start: '2026-02-28T23:00:00Z',
        end: '2026-11-02T03:00:00Z',
        reason: 'installed',
        startIndex: null,
      },
      {
        start: '2026-11-02T03:00:00Z',
        end: null,
        reason: 'reset',
        startIndex: { importWh: 9_300, exportWh: null },
      },
    ]);
    expect(
      (await expectCall(api, 200, 'GET', '/v1/meters/chg-a/spans', { key: staff })).items,
    ).toEqual(spans.items);
    await expectCall(api, 404, 'GET', '/v1/meters/chg-a/spans', { key: b.key });
    // The month's consumption counts across the reset, and its bucket says one happened.
    const month = await expectCall(
      api,
      200,
      'GET',
      '/v1/meters/chg-a/consumption?groupBy=month&from=2026-11-01T00:00:00%2B01:00&to=2026-11-02T00:00:00%2B01:00',
      { key: a.key },
    );
    expect((month.buckets as Json[])[0]).toMatchObject({ counterEvents: ['reset'] });
    // And /openapi.json documents it.
    const doc = (await api.call('GET', '/openapi.json', { key: null })).body as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(doc.components.schemas.ConsumptionBucket?.properties).toHaveProperty('counterEvents');
    expect((month.buckets as Json[])[0]).toHaveProperty('importWh', null);
  });

  it('exchanges a meter: the old one ends there, the new one starts on the same contract', async () => {
    const created = await expectCall(api, 201, 'POST', '/v1/meters/chg-a/exchange', {
      key: staff,
      body: {
        at: '2026-11-02T06:00:00Z',
        finalIndex: { importWh: 400 },
        newMeter: { id: 'chg-a2', startIndex: { importWh: 5 } },
      },
    });
    expect(created).toMatchObject({
      id: 'chg-a2',
      contractId: a.contractId,
      installedAt: '2026-11-02T06:00:00Z',
      counterResets: 'reject',
    });
    expect(await expectCall(api, 200, 'GET', '/v1/meters/chg-a', { key: a.key })).toMatchObject({
      removedAt: '2026-11-02T06:00:00Z',
    });
    // The device showed 400 after its reset at 9,300: the final index joins the span.
    const old = await api.store.latest('chg-a');
    expect(old).toMatchObject({ importWh: 9_600, source: 'staff', span: { event: 'removed' } });
    const oldSpans = (await expectCall(api, 200, 'GET', '/v1/meters/chg-a/spans', { key: a.key }))
      .items as Json[];
    expect(oldSpans.at(-1)).toMatchObject({ reason: 'reset', end: '2026-11-02T06:00:00Z' });
    expect(
      (await expectCall(api, 200, 'GET', '/v1/meters/chg-a2/spans', { key: a.key })).items,
    ).toEqual([
      {
        start: '2026-11-02T06:00:00Z',
        end: null,
        reason: 'installed',
        startIndex: { importWh: 5, exportWh: null },
      },
    ]);
    // Not between quarter hours: each interval is priced from one meter's index.
    await expectCall(api, 400, 'POST', '/v1/meters/chg-b/exchange', {
      key: staff,
      body: {
        at: '2026-11-02T07:05:00Z',
        finalIndex: { importWh: 500 },
        newMeter: { id: 'chg-b2', startIndex: { importWh: 0 } },
      },
    });
    // Once out, it cannot be exchanged again; a customer may not exchange at all.
    await expectCall(api, 409, 'POST', '/v1/meters/chg-a/exchange', {
      key: staff,
      body: {
        at: '2026-11-02T07:00:00Z',
        finalIndex: { importWh: 500 },
        newMeter: { id: 'chg-a3', startIndex: { importWh: 0 } },
      },
    });
    await expectCall(api, 403, 'POST', '/v1/meters/chg-b/exchange', {
      key: b.key,
      body: {
        at: '2026-11-02T07:00:00Z',
        finalIndex: { importWh: 500 },
        newMeter: { id: 'chg-b2', startIndex: { importWh: 0 } },
      },
    });
  });

  it('answers a contract’s consumption across its meters, to its owner and staff only', async () => {
    const path = `/v1/contracts/${a.contractId}/consumption?groupBy=month&from=2026-11-01T00:00:00%2B01:00&to=2026-11-02T00:00:00%2B01:00`;
    const got = await expectCall(api, 200, 'GET', path, { key: a.key });
    expect(got).toMatchObject({ contractId: a.contractId, unit: 'Wh', groupBy: 'month' });
    expect(got.meters).toEqual([
      { meterId: 'chg-a', from: '2026-02-28T23:00:00Z', to: '2026-11-02T06:00:00Z' },
      { meterId: 'chg-a2', from: '2026-11-02T06:00:00Z', to: null },
    ]);
    await expectCall(api, 200, 'GET', path, { key: staff });
    await expectCall(api, 404, 'GET', path, { key: b.key });
    // The consent applies as to a meter's: `month` allows no day buckets.
    await expectCall(api, 403, 'GET', path.replace('groupBy=month', 'groupBy=day'), { key: a.key });
  });
});
