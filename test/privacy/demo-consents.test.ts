import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { seedDemoFleet } from '../../src/demo/seed-fleet.js';
import { listContracts } from '../../src/fleet/contracts.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { manualClock } from '../../src/shared/clock.js';

it('the demo fleet has consents of every level, and the household of the printed customer key allows interval data', async () => {
  const ledger = openLedger('sqlite::memory:');
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-demo-'));
  try {
    await migrateLedger(ledger);
    const deps = { db: ledger.db, clock: manualClock('2026-11-29T12:00:00Z') };
    const meterIds = Array.from({ length: 5 }, (_, i) => `demo-000${i + 1}`);
    await seedDemoFleet(
      deps,
      meterIds,
      Date.parse('2026-09-29T00:00:00Z'),
      path.join(dir, 'keys.json'),
    );
    const contracts = await listContracts(ledger.db, { all: true });
    const meters = await ledger.db
      .selectFrom('meters')
      .select(['id', 'contract_id'])
      .orderBy('id')
      .execute();
    const consentOf = (meterId: string) =>
      contracts.find((c) => c.id === meters.find((m) => m.id === meterId)?.contract_id)?.consent;
    expect(meterIds.map(consentOf)).toEqual(['interval', 'day', 'month', 'interval', 'day']);
    const changes = await ledger.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'consent_change')
      .execute();
    expect(changes).toHaveLength(4);
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
