import { billingWorld } from '../support/billing-fixture.js';
import { describeRevenue } from './revenue-suite.js';

describeRevenue('SQLite ledger', () => billingWorld());
