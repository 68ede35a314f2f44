import { afterAll, beforeAll, describe } from 'vitest';
import { havePostgres, startPostgres, type PostgresHandle } from '../harness/postgres.js';
import { createTestApi } from '../support/api.js';
import { describeBillingRoutes, type Clock } from './billing-routes-suite.js';

describeBillingRoutes('SQLite', (clock) => createTestApi({ clock }));

describe.skipIf(!havePostgres())('on PostgreSQL', () => {
  let server: PostgresHandle | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  // Every test gets a database of its own.
  describeBillingRoutes('PostgreSQL', async (clock: Clock) => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return createTestApi({ ledgerUrl: await server.createDatabase(), clock });
  });
});
