import { afterAll, beforeAll, describe } from 'vitest';
import { havePostgres, startPostgres, type PostgresHandle } from '../harness/postgres.js';

/**
 * `describe('on PostgreSQL')` around `body`, with a private PostgreSQL started for it (skipped,
 * loudly, where PostgreSQL is not installed and services are not required). `createDatabase` gives
 * each caller a fresh database URL, so tests never see each other's rows.
 */
export function describeOnPostgres(body: (createDatabase: () => Promise<string>) => void): void {
  describe.skipIf(!havePostgres())('on PostgreSQL', () => {
    let server: PostgresHandle | undefined;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(async () => {
      if (server === undefined) throw new Error('PostgreSQL did not start');
      return server.createDatabase();
    });
  });
}
