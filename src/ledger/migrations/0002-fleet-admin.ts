import type { Kysely, Migration } from 'kysely';

/** Customers, tariffs, contracts and API keys: the fleet set-up of docs/design.md §4. */
export const fleetAdmin = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('customers')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('tariffs')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      // The validated tariff document of docs/design.md §5 (versions, rates as decimal strings), as
      // JSON text.
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('contracts')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('customer_id', 'varchar(64)', (c) => c.notNull().references('customers.id'))
      .addColumn('tariff_id', 'varchar(64)', (c) => c.notNull().references('tariffs.id'))
      .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
      .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('ends_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('contracts_customer_idx')
      .on('contracts')
      .column('customer_id')
      .execute();
    await db.schema.createIndex('meters_contract_idx').on('meters').column('contract_id').execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('customer_id', 'varchar(64)', (c) => c.references('customers.id'))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('revoked_at', 'varchar(32)')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('api_keys').execute();
    await db.schema.dropIndex('meters_contract_idx').execute();
    await db.schema.dropTable('contracts').execute();
    await db.schema.dropTable('tariffs').execute();
    await db.schema.dropTable('customers').execute();
  },
});
