import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { hashApiKey } from '../../src/auth/api-key.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { describeOnPostgres } from '../support/postgres-suite.js';
import { ADMIN_KEY, createTestApi } from '../support/api.js';
import { describeFleetAdmin, type Clock } from './fleet-admin-suite.js';
import { DESIGN_TARIFF } from './fleet-fixtures.js';
import { describeRequestValidation } from './request-validation-suite.js';

describeFleetAdmin('SQLite', (clock) => createTestApi({ clock }));
describeRequestValidation('SQLite', (clock) => createTestApi({ clock }));

describeOnPostgres((createDatabase) => {
  // Every test gets a database of its own.
  const open = async (clock: Clock) => createTestApi({ ledgerUrl: await createDatabase(), clock });
  describeFleetAdmin('PostgreSQL', open);
  describeRequestValidation('PostgreSQL', open);
});

it('tells ingest about a meter registered over HTTP, and only once it exists', async () => {
  const ledger = openLedger('sqlite::memory:');
  await migrateLedger(ledger);
  const store = createSqliteStore({ path: ':memory:' });
  await store.init();
  const added: string[] = [];
  const app = createApp({
    ops: { registry: new Registry(), probes: {} },
    db: ledger.db,
    store,
    clock: systemClock,
    log: createLogger('silent'),
    adminKeyHash: hashApiKey(ADMIN_KEY),
    onMeterAdded: (id) => {
      added.push(id);
    },
  });
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  try {
    const customerId = (await post('/v1/customers', { name: 'A' })).body.id;
    const tariffId = (await post('/v1/tariffs', DESIGN_TARIFF)).body.id;
    const contractId = (
      await post('/v1/contracts', {
        customerId,
        tariffId,
        timezone: 'UTC',
        startsAt: '2026-03-01T00:00:00Z',
      })
    ).body.id;
    expect(
      (await post('/v1/meters', { id: 'm-1', contractId, installedAt: '2026-03-01T00:00:00Z' }))
        .status,
    ).toBe(201);
    expect(
      (await post('/v1/meters', { id: 'm-1', contractId, installedAt: '2026-03-01T00:00:00Z' }))
        .status,
    ).toBe(409);
    expect(
      (
        await post('/v1/meters', {
          id: 'm-2',
          contractId: 'ctr_x',
          installedAt: '2026-03-01T00:00:00Z',
        })
      ).status,
    ).toBe(404);
    expect(added).toEqual(['m-1']);
  } finally {
    await store.close();
    await ledger.close();
  }
});
