import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingLateReadings } from '../../src/billing/records/pending-late-readings.js';
import { addMeter } from '../../src/fleet/meters-repo.js';
import { startFlusher, type Flusher } from '../../src/ingest/flusher.js';
import { createMeterDirectory } from '../../src/ingest/meter-directory.js';
import { openSpool, type Spool } from '../../src/ingest/spool.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import type { Reading } from '../../src/readings/reading.js';
import { manualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { waitFor } from '../harness/process.js';
import { tempDir } from '../support/instance.js';

const t = (iso: string) => Date.parse(iso);
const NOW = t('2026-10-20T10:00:00Z');
const reading = (meterId: string, iso: string, importWh: number): Reading => ({
  meterId,
  ts: t(iso),
  importWh,
  receivedAt: NOW,
});

/**
 * The change feed must not lose a flush that stored its readings and then failed before recording
 * them (ledger outage, crash): the retry finds the readings already stored, as duplicates, and must
 * still record what they changed. Real spool, SQLite store and ledger; the
 * failure is a missing table.
 */
describe('flushing records reading changes, even when the first attempt failed after the store write', () => {
  const tmp = tempDir('wl-flush-changes-');
  const clock = manualClock(NOW);
  const store = createSqliteStore({ path: ':memory:' });
  let ledger: LedgerConnection;
  let spool: Spool;
  let flusher: Flusher;

  beforeAll(async () => {
    await store.init();
    ledger = openLedger('sqlite::memory:');
    await migrateLedger(ledger);
    for (const id of ['quiet', 'live'])
      await addMeter({ db: ledger.db, clock }, { id, installedAt: '2026-01-01T00:00:00Z' });
    // 'quiet' stopped on Oct 5; 'live' reported a quarter of an hour ago.
    await store.writeBatch([
      reading('quiet', '2026-10-05T12:00:00Z', 100),
      reading('live', '2026-10-20T09:45:00Z', 500),
    ]);
    spool = openSpool(path.join(tmp.dir, 'spool.db'));
    flusher = startFlusher(
      {
        spool,
        store,
        db: ledger.db,
        meters: createMeterDirectory(ledger.db, clock),
        clock,
        metrics: createMetrics({ collectDefault: false }),
        log: createLogger('silent'),
      },
      { batchSize: 100, lingerMs: 1, defaultMaxPowerW: 100_000, exclusiveWriter: false },
    );
  });
  afterAll(async () => {
    await flusher.stop();
    spool.close();
    await ledger.close();
    await store.close();
    tmp.cleanup();
  });

  it('records late and resumed meters once the ledger is back, and nothing for a live meter', async () => {
    await sql`ALTER TABLE reading_changes RENAME TO reading_changes_away`.execute(ledger.db);
    spool.append(
      [
        // late (stored two weeks after its meter time) and a resumption
        reading('quiet', '2026-10-06T00:00:00Z', 110),
        reading('quiet', '2026-10-20T09:50:00Z', 200),
        reading('live', '2026-10-20T09:55:00Z', 510), // on time, after 10 minutes: neither
      ],
      [],
    );
    flusher.notify();
    await waitFor(
      'the readings stored by the failing attempt',
      async () => (await store.registers('quiet', t('2026-10-06T00:00:00Z'), NOW)).ts.length === 3,
      { timeoutMs: 30_000 },
    );
    expect(spool.pending()).toBe(3);
    await sql`ALTER TABLE reading_changes_away RENAME TO reading_changes`.execute(ledger.db);
    await waitFor('the retry', () => spool.pending() === 0, { timeoutMs: 30_000 });
    const rows = await ledger.db
      .selectFrom('reading_changes')
      .select(['meter_id', 'kind', 'from_ms', 'to_ms'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.meter_id, r.kind, Number(r.from_ms), Number(r.to_ms)])).toEqual([
      ['quiet', 'late', t('2026-10-06T00:00:00Z'), t('2026-10-06T00:00:00Z')],
      ['quiet', 'resumed', t('2026-10-05T12:00:00Z'), t('2026-10-20T09:50:00Z')],
    ]);
    const late = (await pendingLateReadings(ledger.db, 100)).changes;
    expect(late.map((r) => r.meterId)).toContain('quiet');
  }, 90_000);
});
