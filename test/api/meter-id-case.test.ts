import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../support/api.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { createHousehold, expectCall, type Json } from './fleet-fixtures.js';

/** Concurrent meter adds that differ only in case, over HTTP, against one ledger. */
function describeConcurrentCaseTwins(name: string, open: () => Promise<TestApi>): void {
  describe(`meter ids unique ignoring case under concurrency (${name})`, () => {
    let api: TestApi;
    beforeEach(async () => {
      api = await open();
    });
    afterEach(() => api.close());

    it('lets exactly one of two concurrent adds of Meter-1 and meter-1 in; the other is a 409', async () => {
      const h = await createHousehold(api, 'household-1');
      const add = (id: string) =>
        api.call('POST', '/v1/meters', {
          body: { id, contractId: h.contractId, installedAt: '2026-03-01T00:00:00Z' },
        });
      // Several rounds, each on ids of its own: every round must end the same way.
      for (let round = 0; round < 10; round += 1) {
        const [upper, lower] = await Promise.all([add(`Meter-${round}`), add(`meter-${round}`)]);
        const statuses = [upper.status, lower.status].sort();
        expect(statuses, JSON.stringify([upper.body, lower.body])).toEqual([201, 409]);
        const refused = upper.status === 409 ? upper : lower;
        expect(refused.type).toBe('application/problem+json');
        expect(refused.body).toMatchObject({ code: 'conflict', status: 409 });
        expect(String((refused.body as Json).detail)).toContain('ignoring case');
      }
      const listed = await expectCall(api, 200, 'GET', '/v1/meters');
      const ids = (listed.items as Json[]).map((m) => String(m.id).toLowerCase()).sort();
      expect(ids).toEqual([
        'household-1',
        ...Array.from({ length: 10 }, (_, round) => `meter-${round}`),
      ]);
    });
  });
}

describeConcurrentCaseTwins('SQLite', () => createTestApi());

describeOnPostgres((createDatabase) => {
  // Every test gets a database of its own.
  describeConcurrentCaseTwins('PostgreSQL', async () =>
    createTestApi({ ledgerUrl: await createDatabase() }),
  );
});
