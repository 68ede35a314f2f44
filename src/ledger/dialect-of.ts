import { PostgresAdapter, type Kysely } from 'kysely';
import type { LedgerDatabase } from './schema.js';
import type { LedgerDialect } from './connect.js';

/**
 * The dialect behind a ledger handle or one of its transactions, for the rare statement only one
 * dialect has: repositories receive the handle, not the connection that knows its dialect.
 */
export function dialectOf(db: Kysely<LedgerDatabase>): LedgerDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
