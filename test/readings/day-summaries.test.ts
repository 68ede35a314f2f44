import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { haveInfluxd } from '../harness/services.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { describeDaySummaries } from './day-summaries-suite.js';

describeDaySummaries('the embedded store and ledger (SQLite)', async () => ({
  store: createSqliteStore({ path: ':memory:' }),
  ledgerUrl: 'sqlite::memory:',
  cleanup: async () => undefined,
}));

const influxUrl = inject('influxUrl');
if (influxUrl !== '' && haveInfluxd()) {
  const influx = async (ledgerUrl: string) => {
    const database = `wl_days_${randomBytes(4).toString('hex')}`;
    return {
      store: createInfluxStore({ url: influxUrl, database }),
      ledgerUrl,
      cleanup: () =>
        createInfluxClient({ url: influxUrl, database })
          .query(`DROP DATABASE "${database}"`, { db: false })
          .then(() => undefined),
    };
  };
  describeDaySummaries('InfluxDB with the SQLite ledger', () => influx('sqlite::memory:'));
  describeOnPostgres((createDatabase) => {
    describeDaySummaries('InfluxDB with the PostgreSQL ledger', async () =>
      influx(await createDatabase()),
    );
  });
}
