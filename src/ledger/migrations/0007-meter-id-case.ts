import { sql, type Kysely, type Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';

/** The index that makes meter ids unique ignoring case; addMeter recognises its violations. */
export const METER_ID_LOWER_INDEX = 'meters_id_lower_key';

/** How many groups of clashing ids the refusal names before it only counts the rest. */
const NAMED = 20;

/**
 * The groups of meter ids that differ only in case, each sorted, in the order of their lower-case
 * form. Meter ids are ASCII (`METER_ID_RE`), so `lower()` means the same on both dialects.
 */
async function caseTwins(db: Kysely<unknown>): Promise<string[][]> {
  const { rows } = await sql<{ id: string }>`
    select id from meters
    where lower(id) in (select lower(id) from meters group by lower(id) having count(*) > 1)
    order by lower(id), id`.execute(db);
  const groups = new Map<string, string[]>();
  for (const { id } of rows) {
    const key = id.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  return [...groups.values()];
}

/**
 * Meter ids are unique ignoring case, enforced by the ledger: a unique index on `lower(id)`, so two
 * concurrent adds of `Meter-1` and `meter-1` cannot both get in. Before this the rule was only
 * checked by addMeter, so a ledger may already hold such twins. The migration does not choose which
 * one to keep (each may have readings, topics and credentials of its own): it refuses, naming them,
 * and an operator renames or removes all but one of each group before upgrading again.
 */
export const meterIdCase = (dialect: LedgerDialect): Migration => ({
  async up(db: Kysely<unknown>) {
    // PostgreSQL runs this in a transaction: hold off new meters between the check and the index.
    // SQLite's migrations already hold the write lock.
    if (dialect === 'postgres') await sql`lock table meters in share mode`.execute(db);
    const twins = await caseTwins(db);
    if (twins.length > 0) {
      const named = twins.slice(0, NAMED).map((g) => g.join(' / '));
      const more = twins.length > NAMED ? `; and ${twins.length - NAMED} more groups` : '';
      throw new Error(
        `meter ids must be unique ignoring case, but ${twins.length} group(s) of meters differ ` +
          `only in case: ${named.join('; ')}${more}. Rename or remove all but one meter of each ` +
          'group, then start again.',
      );
    }
    await db.schema
      .createIndex(METER_ID_LOWER_INDEX)
      .on('meters')
      .unique()
      .expression(sql`lower(id)`)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex(METER_ID_LOWER_INDEX).execute();
  },
});
