import type { Kysely, Migration } from 'kysely';

/**
 * `reading_days`: per meter and local day (in its contract's zone) the few readings consumption
 * needs of that day when it is cut at local midnights: the first and last, both ends of every gap
 * longer than an hour, and those a person took or where a register span began. A month of day
 * buckets then reads about 31 rows instead of about 2,976 readings. Kept by the jobs process for
 * sealed days, from the readings store and the change feed (its cursor `day-summaries`);
 * `reading_days_state` says up to where.
 */
export const readingDays = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('reading_days')
      .addColumn('meter_id', 'varchar(64)', (c) => c.notNull())
      // The local day [day_start, day_end), epoch ms.
      .addColumn('day_start', 'bigint', (c) => c.notNull())
      .addColumn('day_end', 'bigint', (c) => c.notNull())
      .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
      // How many readings the day holds.
      .addColumn('readings', 'integer', (c) => c.notNull())
      // JSON: the kept readings, ascending: [ts, importWh, exportWh | null, mark | null].
      .addColumn('points', 'text', (c) => c.notNull())
      // JSON: the gaps longer than an hour between the day's consecutive readings, [from, to].
      .addColumn('gaps', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('reading_days_pk', ['meter_id', 'day_start'])
      .execute();
    await db.schema
      .createTable('reading_days_state')
      .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
      // Rows exist for every local day inside [from_ms, through_ms) that has readings.
      .addColumn('from_ms', 'bigint', (c) => c.notNull())
      .addColumn('through_ms', 'bigint', (c) => c.notNull())
      // One summariser at a time: whoever holds the lease until it runs out.
      .addColumn('lease_holder', 'varchar(64)')
      .addColumn('lease_until', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('reading_days_state').execute();
    await db.schema.dropTable('reading_days').execute();
  },
});
