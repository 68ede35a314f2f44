import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRejection } from '../../src/ingest/rejection.js';
import { insertRejections } from '../../src/ingest/rejections-repo.js';
import { createTestApi, type TestApi } from '../support/api.js';
import { createHousehold, createKey } from './fleet-fixtures.js';

describe('GET /v1/ingest/rejections', () => {
  let api: TestApi;
  let staff: string;
  let customer: string;
  const t0 = Date.UTC(2026, 10, 29, 18);

  beforeAll(async () => {
    api = await createTestApi();
    staff = await createKey(api, 'staff');
    customer = (await createHousehold(api, 'rj-1')).key;
    const reasons = [
      'invalid_json',
      'unknown_meter',
      'register_decrease',
      'invalid_schema',
      'invalid_json',
    ] as const;
    await insertRejections(
      api.ledger.db,
      api.clock,
      reasons.map((reason, i) =>
        makeRejection({
          reason,
          detail: `d${i}`,
          meterId: i === 1 ? 'ghost' : 'rj-1',
          topic: 'meters/rj-1/readings',
          payload: i === 0 ? '{"ts":' : `{"i":${i}}`,
          receivedAt: t0 + i * 1000,
        }),
      ),
    );
  });
  afterAll(() => api?.close());

  it('lists rejections newest first, with raw payloads, in pages that do not overlap', async () => {
    const first = await api.call('GET', '/v1/ingest/rejections?limit=2', { key: staff });
    expect(first.status).toBe(200);
    const body = first.body as {
      items: { detail: string; payload: string; receivedAt: string }[];
      nextCursor?: string;
    };
    expect(body.items.map((i) => i.detail)).toEqual(['d4', 'd3']);
    expect(body.items[0]?.receivedAt).toBe('2026-11-29T18:00:04Z');
    const seen = [...body.items.map((i) => i.detail)];
    let cursor = body.nextCursor;
    while (cursor !== undefined) {
      const next = (
        await api.call('GET', `/v1/ingest/rejections?limit=2&before=${cursor}`, { key: staff })
      ).body as typeof body;
      seen.push(...next.items.map((i) => i.detail));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(['d4', 'd3', 'd2', 'd1', 'd0']);
  });

  it('filters by reason and by meter', async () => {
    const byReason = (
      await api.call('GET', '/v1/ingest/rejections?reason=invalid_json', { key: staff })
    ).body as { items: { payload: string }[] };
    expect(byReason.items.map((i) => i.payload)).toEqual(['{"i":4}', '{"ts":']);
    const byMeter = (await api.call('GET', '/v1/ingest/rejections?meterId=ghost')).body as {
      items: { reason: string }[];
    };
    expect(byMeter.items.map((i) => i.reason)).toEqual(['unknown_meter']);
  });

  it('is for staff and admin only, and validates its query', async () => {
    expect((await api.call('GET', '/v1/ingest/rejections', { key: null })).status).toBe(401);
    expect((await api.call('GET', '/v1/ingest/rejections', { key: 'wl_staff_wrong' })).status).toBe(
      401,
    );
    expect((await api.call('GET', '/v1/ingest/rejections', { key: customer })).status).toBe(403);
    for (const q of ['limit=0', 'limit=501', 'reason=nonsense', 'before=abc']) {
      const res = await api.call('GET', `/v1/ingest/rejections?${q}`, { key: staff });
      expect(res.status, q).toBe(400);
      expect(res.type).toContain('application/problem+json');
    }
  });
});
