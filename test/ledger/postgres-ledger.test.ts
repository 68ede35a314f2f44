import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMeters } from '../../src/fleet/meters-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { havePostgres, startPostgres, type PostgresHandle } from '../harness/postgres.js';
import { describeLedgerContract } from './ledger-contract.js';

/** Poll `check` until it returns true (errors count as false); throw after `timeoutMs`. */
async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!havePostgres())('PostgreSQL ledger', () => {
  let server: PostgresHandle | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = (): PostgresHandle => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return server;
  };

  // Every test gets a database of its own on this suite's server.
  describeLedgerContract('PostgreSQL', async () => {
    const url = await running().createDatabase();
    const ledger = openLedger(url);
    return { ledger, connectAgain: () => openLedger(url), cleanup: () => ledger.close() };
  });

  it('survives the server dropping its idle connections (a restart, a failover, an idle timeout)', async () => {
    const url = await running().createDatabase();
    const ledger = openLedger(url);
    const admin = new pg.Client({ connectionString: running().url });
    await admin.connect();
    try {
      await migrateLedger(ledger);
      // two idle connections in the pool
      await Promise.all([countMeters(ledger.db), countMeters(ledger.db)]);
      const database = new URL(url).pathname.slice(1);
      const { rows } = await admin.query<{ killed: boolean }>(
        'select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1',
        [database],
      );
      expect(rows.length).toBeGreaterThan(0);
      await eventually('backends gone', async () => {
        const r = await admin.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where datname = $1',
          [database],
        );
        return r.rows[0]?.n === '0';
      });
      // Without an error listener on the pool, the idle connections' errors
      // would crash the process here.
      await eventually('ledger answers again', async () => (await countMeters(ledger.db)) === 0);
    } finally {
      await admin.end();
      await ledger.close();
    }
  });
});
