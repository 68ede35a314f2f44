import type { Kysely, Migration } from 'kysely';

/**
 * A customer's monthly budget per contract: the amount the app warns against when the estimate of
 * the open period passes it. A table of its own rather than a column of `contracts`, because it is
 * the customer's preference, not part of the contract, and is written by a different route. Money
 * as exact decimal text, in the currency of the contract's tariff when it was set.
 */
export const budgets = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('contract_budgets')
      .addColumn('contract_id', 'varchar(64)', (c) => c.primaryKey().references('contracts.id'))
      .addColumn('amount', 'varchar(40)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('contract_budgets').execute();
  },
});
