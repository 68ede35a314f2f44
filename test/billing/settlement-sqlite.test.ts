import { billingWorld } from '../support/billing-fixture.js';
import { describeSettlement } from './settlement-suite.js';

describeSettlement('SQLite ledger', () => billingWorld());
