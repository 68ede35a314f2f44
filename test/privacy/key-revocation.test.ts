import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// First: it loads the app, whose @hono/zod-openapi must extend zod before billing builds schemas.
import { createTestApi, type TestApi } from '../support/api.js';
import { expectCall, idOf } from '../api/fleet-fixtures.js';
import { tempDir } from '../support/instance.js';
import { describeOnPostgres } from '../support/postgres-suite.js';

/** Two API processes' worth of app on one ledger: each its own connection, caches and store. */
async function twoApis(ledgerUrl: string): Promise<[TestApi, TestApi]> {
  const a = await createTestApi({ ledgerUrl });
  const b = await createTestApi({ ledgerUrl });
  return [a, b];
}

/** Wait (at most `deadlineMs`) until `api` answers `status` to GET `path` with `key`; the time it took. */
async function until401(api: TestApi, paths: readonly string[], key: string, deadlineMs: number) {
  const started = Date.now();
  for (;;) {
    const statuses = await Promise.all(
      paths.map(async (p) => (await api.call('GET', p, { key })).status),
    );
    if (statuses.every((s) => s === 401)) return Date.now() - started;
    if (Date.now() - started > deadlineMs)
      throw new Error(`still ${statuses.join(', ')} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ME = ['/v1/customers/me', '/v1/customers/me/export'];

function suite(ledgerUrl: () => Promise<string>): void {
  let apis: TestApi[] = [];
  afterEach(async () => {
    await Promise.all(apis.map((x) => x.close()));
    apis = [];
  });

  async function customerKey(a: TestApi): Promise<{ customerId: string; key: string; id: string }> {
    const customerId = idOf(
      await expectCall(a, 201, 'POST', '/v1/customers', {
        body: { name: 'Ada', email: 'a@x.org' },
      }),
    );
    const made = await expectCall(a, 201, 'POST', '/v1/api-keys', {
      body: { role: 'customer', customerId },
    });
    return { customerId, key: String(made.key), id: idOf(made) };
  }

  it('a key revoked through one process answers 401 there at once, and in another within 2 s', async () => {
    const [a, b] = await twoApis(await ledgerUrl());
    apis = [a, b];
    const { key, id } = await customerKey(a);
    // Both processes have the key cached.
    for (const api of [a, b]) await expectCall(api, 200, 'GET', '/v1/customers/me', { key });

    await expectCall(a, 200, 'DELETE', `/v1/api-keys/${id}`);
    for (const p of ME) expect((await a.call('GET', p, { key })).status).toBe(401);
    expect(await until401(b, ME, key, 2000)).toBeLessThanOrEqual(2000);
  });

  it("an erased customer's key answers 401 on /me and /me/export right after the erasure", async () => {
    const [a, b] = await twoApis(await ledgerUrl());
    apis = [a, b];
    const { customerId, key } = await customerKey(a);
    for (const api of [a, b])
      for (const p of ME) expect((await api.call('GET', p, { key })).status).toBe(200);

    const erased = await expectCall(a, 200, 'POST', `/v1/customers/${customerId}/erase`);
    expect(erased.apiKeysRevoked).toBe(1);
    for (const p of ME) expect((await a.call('GET', p, { key })).status).toBe(401);
    expect(await until401(b, ME, key, 2000)).toBeLessThanOrEqual(2000);
  });
}

describe('revocation and erasure across API processes (SQLite ledger file)', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of dirs.splice(0)) cleanup();
  });
  suite(async () => {
    const tmp = tempDir('wl-revoke-');
    dirs.push(tmp.cleanup);
    return `sqlite:${path.join(tmp.dir, 'ledger.db')}`;
  });
});

describeOnPostgres((createDatabase) => suite(createDatabase));
