import { billingWorld } from '../support/billing-fixture.js';
import { describeBackBillingCap } from './back-billing-suite.js';
import { describeBackBillingView } from './back-billing-view-suite.js';
import { describeSettlement } from './settlement-suite.js';

describeSettlement('SQLite ledger', () => billingWorld());
describeBackBillingCap('SQLite ledger', () => billingWorld());
describeBackBillingView('SQLite ledger', () => billingWorld());
