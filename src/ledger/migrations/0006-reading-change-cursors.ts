import type { ColumnType, Generated, Kysely, Migration } from 'kysely';
import type { LedgerDialect } from '../connect.js';
import { createLateArrivals } from './0003-billing.js';

/** `late_arrivals` as migration 0003 made it. */
export interface LateArrivalTable {
  id: Generated<number>;
  meter_id: string;
  from_ts: string;
  to_ts: string;
  readings: number;
  received_at: string;
  processed_at: string | null;
}

/** The tables this migration reads and writes, as they are when it runs. */
interface Tables {
  late_arrivals: LateArrivalTable;
  reading_changes: {
    id: Generated<number>;
    meter_id: string;
    from_ms: ColumnType<number | string, number, number>;
    to_ms: ColumnType<number | string, number, number>;
    kind: string;
    recorded_at: string;
  };
  reading_change_cursors: { reader: string; last_id: number };
  retention_marks: { meter_id: string; period_id: string; kept: string; done_at: string };
}

const PAGE = 500;

const newestChangeId = async (db: Kysely<Tables>): Promise<number> => {
  const row = await db
    .selectFrom('reading_changes')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
};

/**
 * Copy rows in pages of `PAGE`, in id order: `read(after)` answers the next page after id `after`.
 */
async function copyInPages<R extends { readonly id: number }>(
  after: number,
  read: (after: number) => Promise<R[]>,
  write: (rows: R[]) => Promise<unknown>,
): Promise<void> {
  for (let rows = await read(after); rows.length > 0; rows = await read(after)) {
    await write(rows);
    after = rows.at(-1)?.id ?? after;
  }
}

/**
 * Append late arrivals to the feed as `late` rows, oldest first: the `pending` ones (settlement has
 * not processed them), or the processed ones retention may still need (received after a retention
 * mark of their meter, so the marked period may have to be reduced again).
 */
async function carryOver(db: Kysely<Tables>, pending: boolean): Promise<void> {
  await copyInPages(
    0,
    (after) =>
      db
        .selectFrom('late_arrivals as la')
        .select(['la.id', 'la.meter_id', 'la.from_ts', 'la.to_ts', 'la.received_at'])
        .where('la.id', '>', after)
        .$if(pending, (q) => q.where('la.processed_at', 'is', null))
        .$if(!pending, (q) =>
          q
            .where('la.processed_at', 'is not', null)
            .where(({ exists, selectFrom }) =>
              exists(
                selectFrom('retention_marks as m')
                  .select('m.meter_id')
                  .whereRef('m.meter_id', '=', 'la.meter_id')
                  .whereRef('m.done_at', '<=', 'la.received_at'),
              ),
            ),
        )
        .orderBy('la.id')
        .limit(PAGE)
        .execute(),
    (rows) =>
      db
        .insertInto('reading_changes')
        .values(
          rows.map((r) => ({
            meter_id: r.meter_id,
            from_ms: Date.parse(r.from_ts),
            to_ms: Date.parse(r.to_ts),
            kind: 'late',
            recorded_at: r.received_at,
          })),
        )
        .execute(),
  );
}

/**
 * Late readings are recorded once, in the readings change feed, which settlement and retention read
 * through cursors of their own (`reading_change_cursors`); `late_arrivals` goes. Nothing an
 * upgraded ledger knew is lost: the feed's rows so far count as passed by both readers (each late
 * one was also a `late_arrivals` row); then the processed arrivals retention may still need are
 * appended, which settlement's cursor passes, and the pending ones, which it does not. Retention's
 * cursor passes none of them. Runs inside the migration's transaction on both dialects.
 */
export const readingChangeCursors = (dialect: LedgerDialect): Migration => ({
  async up(schema: Kysely<unknown>) {
    const db = schema as Kysely<Tables>;
    await schema.schema
      .createTable('reading_change_cursors')
      .addColumn('reader', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('last_id', 'integer', (c) => c.notNull())
      .execute();
    const retention = await newestChangeId(db);
    await carryOver(db, false);
    const settlement = await newestChangeId(db);
    await carryOver(db, true);
    await db
      .insertInto('reading_change_cursors')
      .values([
        { reader: 'settlement', last_id: settlement },
        { reader: 'retention', last_id: retention },
      ])
      .execute();
    await schema.schema.dropTable('late_arrivals').execute();
  },
  /** Back to 0005: the `late` rows past settlement's cursor become pending late arrivals again. */
  async down(schema: Kysely<unknown>) {
    const db = schema as Kysely<Tables>;
    await createLateArrivals(schema, dialect);
    const cursor = await db
      .selectFrom('reading_change_cursors')
      .select('last_id')
      .where('reader', '=', 'settlement')
      .executeTakeFirst();
    await copyInPages(
      cursor?.last_id ?? 0,
      (after) =>
        db
          .selectFrom('reading_changes')
          .selectAll()
          .where('id', '>', after)
          .where('kind', '=', 'late')
          .orderBy('id')
          .limit(PAGE)
          .execute(),
      (rows) =>
        db
          .insertInto('late_arrivals')
          .values(
            rows.map((r) => ({
              meter_id: r.meter_id,
              from_ts: new Date(Number(r.from_ms)).toISOString(),
              to_ts: new Date(Number(r.to_ms)).toISOString(),
              // The feed keeps no count; nothing ever read it.
              readings: 0,
              received_at: r.recorded_at,
              processed_at: null,
            })),
          )
          .execute(),
    );
    await schema.schema.dropTable('reading_change_cursors').execute();
  },
});
