import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { LedgerConnection, LedgerDialect } from './connect.js';
import { fleetAndRejections } from './migrations/0001-fleet-and-rejections.js';

/** Every migration in order. Names sort lexically; never rename or edit one that has shipped. */
function migrations(dialect: LedgerDialect): Record<string, Migration> {
  return {
    '0001-fleet-and-rejections': fleetAndRejections(dialect),
  };
}

/** Bring the ledger schema up to date. Safe to run from several processes: Kysely locks the migration table. */
export async function migrateLedger(ledger: LedgerConnection): Promise<void> {
  const migrator = new Migrator({
    db: ledger.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations(ledger.dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    throw new Error(`ledger migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
