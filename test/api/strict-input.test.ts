import { describeOnPostgres } from '../support/postgres-suite.js';
import { createTestApi } from '../support/api.js';
import { describeStrictInput } from './strict-input-suite.js';

describeStrictInput('SQLite', () => createTestApi());

describeOnPostgres((createDatabase) => {
  // Every test gets a database of its own.
  describeStrictInput('PostgreSQL', async () =>
    createTestApi({ ledgerUrl: await createDatabase() }),
  );
});
