import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';

const PAGE = 1000;

/**
 * The meters whose readings people wrote over the API (readings taken by people, corrections) since
 * the last call: the ingest process that remembers each meter's latest reading must forget theirs,
 * or a device reading below a person's would be checked against an older one. One indexed query a
 * batch, answering nothing almost always.
 */
export function peopleWrittenMeters(db: Kysely<LedgerDatabase>) {
  let seen: number | undefined;
  return async (): Promise<string[]> => {
    if (seen === undefined) {
      // What was written before this process started is in the store, which a fresh process asks.
      const row = await db
        .selectFrom('manual_readings')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      seen = Number(row?.max ?? 0);
      return [];
    }
    const meters = new Set<string>();
    for (;;) {
      const rows = await db
        .selectFrom('manual_readings')
        .select(['id', 'meter_id'])
        .where('id', '>', seen)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of rows) meters.add(r.meter_id);
      const last = rows.at(-1);
      if (last !== undefined) seen = Number(last.id);
      if (rows.length < PAGE) return [...meters];
    }
  };
}
