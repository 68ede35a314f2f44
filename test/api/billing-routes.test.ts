import { describeOnPostgres } from '../support/postgres-suite.js';
import { createTestApi } from '../support/api.js';
import { describeBillingRoutes, type Clock } from './billing-routes-suite.js';

describeBillingRoutes('SQLite', (clock) => createTestApi({ clock }));

describeOnPostgres((createDatabase) => {
  // Every test gets a database of its own.
  describeBillingRoutes('PostgreSQL', async (clock: Clock) =>
    createTestApi({ ledgerUrl: await createDatabase(), clock }),
  );
});
