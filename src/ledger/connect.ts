import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { LedgerDatabase } from './schema.js';

export type LedgerDialect = 'sqlite' | 'postgres';

export interface LedgerConnection {
  readonly db: Kysely<LedgerDatabase>;
  readonly dialect: LedgerDialect;
  close(): Promise<void>;
}

/**
 * Open the ledger named by a URL: `postgres://…` / `postgresql://…` for PostgreSQL, `sqlite:<path>`
 * (or a bare path, or `sqlite::memory:`) for the embedded default.
 */
export function openLedger(url: string): LedgerConnection {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server drops (restart, failover, idle timeout) is reported as a pool
    // 'error' event, which would crash the process with no listener. The pool discards that
    // connection by itself; errors of running queries still reach their callers.
    pool.on('error', () => undefined);
    const db = new Kysely<LedgerDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = url.replace(/^sqlite:/, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  enableWal(sqlite);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<LedgerDatabase>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Switch a file to WAL (it stays so). Changing the journal mode needs the file to itself, and SQLite
 * answers SQLITE_BUSY at once rather than wait while another process opening the same new file does
 * the same (its busy handler would deadlock there): try again, briefly, until one of them has
 * switched it, after which the pragma changes nothing.
 */
function enableWal(sqlite: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      const busy = err instanceof Database.SqliteError && err.code === 'SQLITE_BUSY';
      if (!busy || attempt >= 100) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Kysely prepares every query anew; SQLite compiling the same few statements on every API request
 * cost more than running them. Statements are reused per SQL text (bounded): SQLite re-prepares one
 * by itself after a schema change, and wattledger never streams a query, so a statement is never
 * busy when reused.
 */
function withStatementCache(sqlite: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (stmt === undefined) {
        stmt = sqlite.prepare(sql);
        if (statements.size < 1000) statements.set(sql, stmt);
      }
      return stmt;
    },
  };
}
