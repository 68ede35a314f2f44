import { describe, inject } from 'vitest';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { billingWorld } from '../support/billing-fixture.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { describePeopleReadings } from './people-readings-suite.js';

describePeopleReadings('SQLite ledger, SQLite store', () => billingWorld());

const influxUrl = inject('influxUrl');
describeOnPostgres((createDatabase) => {
  describePeopleReadings('PostgreSQL ledger, SQLite store', async () =>
    billingWorld(await createDatabase()),
  );
  describe.skipIf(influxUrl === '')('with InfluxDB', () => {
    let n = 0;
    describePeopleReadings('PostgreSQL ledger, InfluxDB store', async () =>
      billingWorld(
        await createDatabase(),
        'runner-a',
        createInfluxStore({ url: influxUrl, database: `people_${process.pid}_${(n += 1)}` }),
      ),
    );
  });
});
