import { describe, expect, it } from 'vitest';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { manualClock } from '../../src/shared/clock.js';
import { ADMIN_KEY, createTestApi } from '../support/api.js';
import { createHousehold } from './fleet-fixtures.js';

const limits = { ratePerSecond: 2, rateBurst: 3, heavyConcurrency: 16, heavyQueue: 100 };
const asKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('rate limit per API key (token bucket on the injected clock)', () => {
  it('allows a burst, then answers 429 with Retry-After until the bucket refills', async () => {
    const clock = manualClock('2026-11-29T12:00:00Z');
    const api = await createTestApi({ clock, deps: { limits } });
    try {
      for (let i = 0; i < 3; i += 1)
        expect((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status).toBe(200);
      const refused = await api.app.request('/v1/customers', asKey(ADMIN_KEY));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
      // Half a second at 2/s is one token: one more request, then refused again.
      clock.advance(500);
      expect((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status).toBe(200);
      expect((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status).toBe(429);
      // The ops endpoints are not limited.
      expect((await api.app.request('/healthz')).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('gives each key its own bucket', async () => {
    const clock = manualClock('2026-11-29T12:00:00Z');
    const api = await createTestApi({ clock, deps: { limits: { ...limits, rateBurst: 10 } } });
    try {
      const { key } = await createHousehold(api, 'm-rate');
      // The admin's burst is spent on the set-up; the customer's bucket is untouched.
      while ((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status !== 429);
      expect((await api.app.request('/v1/customers/me', asKey(key))).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('throttles an address that keeps failing authentication', async () => {
    const clock = manualClock('2026-11-29T12:00:00Z');
    const api = await createTestApi({ clock, deps: { limits } });
    try {
      for (let i = 0; i < 3; i += 1)
        expect((await api.app.request('/v1/customers', asKey('wl_admin_guess'))).status).toBe(401);
      const refused = await api.app.request('/v1/customers', asKey('wl_admin_guess'));
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      clock.advance(1000);
      expect((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('is off with RATE_LIMIT_PER_S=0', async () => {
    const api = await createTestApi({ deps: { limits: { ...limits, ratePerSecond: 0 } } });
    try {
      for (let i = 0; i < 10; i += 1)
        expect((await api.app.request('/v1/customers', asKey(ADMIN_KEY))).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

/** A store whose register reads wait until `release()`; `waiting` counts reads begun. */
function gatedStore(): {
  wrap: (s: ReadingStore) => ReadingStore;
  release: () => void;
  waiting: () => number;
} {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let begun = 0;
  const wrap = (s: ReadingStore): ReadingStore =>
    Object.assign(Object.create(s) as ReadingStore, {
      registers: async (...args: Parameters<ReadingStore['registers']>) => {
        begun += 1;
        await gate;
        return s.registers(...args);
      },
    });
  return { wrap, release: () => open(), waiting: () => begun };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe('heavy query gate', () => {
  it('runs a few heavy queries at once, queues some, refuses the rest with 503, and /healthz still answers', async () => {
    const gate = gatedStore();
    const api = await createTestApi({
      deps: { limits: { ratePerSecond: 0, rateBurst: 1, heavyConcurrency: 2, heavyQueue: 3 } },
      wrapStore: gate.wrap,
    });
    try {
      const { key } = await createHousehold(api, 'm-heavy');
      const url =
        '/v1/meters/m-heavy/consumption?groupBy=month&from=2026-03-01T00:00:00Z&to=2026-06-01T00:00:00Z';
      const pending = Array.from({ length: 5 }, () => api.app.request(url, asKey(key)));
      await until(() => gate.waiting() === 2);
      // Two run (blocked in the store), three wait: the next ones are refused at once.
      const refused = await Promise.all([
        api.app.request(url, asKey(key)),
        api.app.request(`/v1/contracts/x/bill`, asKey(key)),
      ]);
      for (const res of refused) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(await res.json()).toMatchObject({ code: 'overloaded' });
      }
      // Light requests never wait behind heavy ones.
      expect((await api.app.request('/healthz')).status).toBe(200);
      expect((await api.app.request('/v1/customers/me', asKey(key))).status).toBe(200);
      expect(gate.waiting()).toBe(2);
      gate.release();
      const answers = await Promise.all(pending);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(gate.waiting()).toBe(5);
    } finally {
      await api.close();
    }
  });
});
