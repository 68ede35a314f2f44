import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { LedgerConnection, LedgerDialect } from './connect.js';
import { fleetAndRejections } from './migrations/0001-fleet-and-rejections.js';
import { fleetAdmin } from './migrations/0002-fleet-admin.js';
import { billing } from './migrations/0003-billing.js';
import { privacy } from './migrations/0004-privacy.js';
import { readingChanges } from './migrations/0005-reading-changes.js';
import { readingChangeCursors } from './migrations/0006-reading-change-cursors.js';
import { meterIdCase } from './migrations/0007-meter-id-case.js';
import { deviceFormats } from './migrations/0008-device-formats.js';
import { manualReadings } from './migrations/0009-manual-readings.js';
import { counterRules } from './migrations/0010-counter-rules.js';
import { estimateRecords } from './migrations/0011-estimate-records.js';
import { budgets } from './migrations/0012-budgets.js';
import { revenueMarks } from './migrations/0013-revenue-marks.js';
import { readingDays } from './migrations/0014-reading-days.js';

/** Every migration in order. Names sort lexically; never rename or edit one that has shipped. */
function migrations(dialect: LedgerDialect): Record<string, Migration> {
  return {
    '0001-fleet-and-rejections': fleetAndRejections(dialect),
    '0002-fleet-admin': fleetAdmin(),
    '0003-billing': billing(dialect),
    '0004-privacy': privacy(),
    '0005-reading-changes': readingChanges(dialect),
    '0006-reading-change-cursors': readingChangeCursors(dialect),
    '0007-meter-id-case': meterIdCase(dialect),
    '0008-device-formats': deviceFormats(),
    '0009-manual-readings': manualReadings(dialect),
    '0010-counter-rules': counterRules(),
    '0011-estimate-records': estimateRecords(dialect),
    '0012-budgets': budgets(),
    '0013-revenue-marks': revenueMarks(),
    '0014-reading-days': readingDays(),
  };
}

/**
 * Bring the ledger schema up to date. Safe to run from several processes: on PostgreSQL Kysely
 * takes an advisory lock and runs each migration in a transaction; on SQLite we do the equivalent
 * (see below). `to` migrates up or down to the migration of that name instead, so a test can fill
 * an older schema and upgrade it.
 */
export async function migrateLedger(
  ledger: LedgerConnection,
  opts: { readonly to?: string } = {},
): Promise<void> {
  const migrate = (db: Kysely<unknown>) => {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations(ledger.dialect) },
    });
    return opts.to === undefined ? migrator.migrateToLatest() : migrator.migrateTo(opts.to);
  };
  const { error, results } =
    ledger.dialect === 'postgres'
      ? await migrate(ledger.db as unknown as Kysely<unknown>)
      : await migrateSqlite(ledger.db as unknown as Kysely<unknown>, migrate);
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(
      `ledger migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Kysely runs SQLite migrations outside any transaction and without a lock: a crash between two
 * statements would leave a half-applied schema that no later run can repair, and two processes
 * opening one new file would both migrate. BEGIN IMMEDIATE takes the database's write lock (waiting
 * up to busy_timeout) and makes the whole run atomic.
 */
async function migrateSqlite(
  db: Kysely<unknown>,
  migrate: (db: Kysely<unknown>) => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    let outcome: MigrationResultSet;
    try {
      outcome = await migrate(conn);
    } catch (e) {
      // SQLite may have rolled back already
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
    if (outcome.error === undefined) await sql`commit`.execute(conn);
    else await sql`rollback`.execute(conn).catch(() => undefined);
    return outcome;
  });
}
