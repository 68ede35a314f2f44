import type { ColumnDefinitionBuilder } from 'kysely';
import type { LedgerDialect } from '../connect.js';

/** An auto-numbered integer primary key: SQLite's rowid alias, PostgreSQL's identity column. */
export function serialPrimaryKey(dialect: LedgerDialect) {
  return (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'sqlite'
      ? c.primaryKey().autoIncrement()
      : c.primaryKey().generatedByDefaultAsIdentity();
}
