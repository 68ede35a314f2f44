import type { Kysely, Migration } from 'kysely';

/**
 * Device formats: a meter says how its device speaks (`format`), on which exact topic
 * (`source_topic`, indexed: ingest finds meters by topic) with which options (`source`, JSON), and
 * which MQTT login its device uses (`mqtt_login`; null means the meter id). Existing meters keep
 * wattledger's own format on `meters/{id}/readings`.
 */
export const deviceFormats = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema
      .alterTable('meters')
      .addColumn('format', 'text', (c) => c.notNull().defaultTo('wattledger'))
      .execute();
    await db.schema.alterTable('meters').addColumn('source', 'text').execute();
    await db.schema.alterTable('meters').addColumn('source_topic', 'text').execute();
    await db.schema.alterTable('meters').addColumn('mqtt_login', 'text').execute();
    await db.schema
      .createIndex('meters_source_topic')
      .on('meters')
      .column('source_topic')
      .execute();
    await db.schema.createIndex('meters_mqtt_login').on('meters').column('mqtt_login').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('meters_mqtt_login').execute();
    await db.schema.dropIndex('meters_source_topic').execute();
    for (const column of ['mqtt_login', 'source_topic', 'source', 'format'])
      await db.schema.alterTable('meters').dropColumn(column).execute();
  },
});
