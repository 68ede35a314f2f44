import type { Kysely, Migration } from 'kysely';

/**
 * Register spans: how a meter's registers may go down (`counter_resets` `reject` or `new-span`,
 * `register_max_wh` where the register wraps, `decrease_tolerance_wh` for rounding dips), and when a
 * meter was taken out (`removed_at`, set by an exchange: readings after it are refused). Existing
 * meters keep the strict rules they were checked by so far.
 */
export const counterRules = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('meters')
      .addColumn('counter_resets', 'text', (c) => c.notNull().defaultTo('reject'))
      .execute();
    await db.schema.alterTable('meters').addColumn('register_max_wh', 'bigint').execute();
    await db.schema
      .alterTable('meters')
      .addColumn('decrease_tolerance_wh', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('meters').addColumn('removed_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const column of [
      'removed_at',
      'decrease_tolerance_wh',
      'register_max_wh',
      'counter_resets',
    ])
      await db.schema.alterTable('meters').dropColumn(column).execute();
  },
});
