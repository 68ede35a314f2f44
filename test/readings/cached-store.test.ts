import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createInfluxClient } from '../../src/readings/influx/influx-client.js';
import { createInfluxStore } from '../../src/readings/influx/influx-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { haveInfluxd } from '../harness/services.js';
import { describeCachedStore } from './cached-store-suite.js';

describeCachedStore('the embedded store (SQLite)', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

const influxUrl = inject('influxUrl');
if (influxUrl !== '' && haveInfluxd()) {
  describeCachedStore('InfluxDB', async () => {
    const database = `wl_cache_${randomBytes(4).toString('hex')}`;
    return {
      store: createInfluxStore({ url: influxUrl, database }),
      cleanup: () =>
        createInfluxClient({ url: influxUrl, database })
          .query(`DROP DATABASE "${database}"`, { db: false })
          .then(() => undefined),
    };
  });
}
