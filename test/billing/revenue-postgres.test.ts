import { describeOnPostgres } from '../support/postgres-suite.js';
import { billingWorld } from '../support/billing-fixture.js';
import { describeRevenue } from './revenue-suite.js';

describeOnPostgres((url) => {
  describeRevenue('PostgreSQL ledger', async () => billingWorld(await url()));
});
