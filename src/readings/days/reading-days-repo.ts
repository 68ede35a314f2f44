import type { Kysely } from 'kysely';
import type { CompiledQuery, Selectable } from 'kysely';
import type { LedgerDatabase, ReadingDayTable } from '../../ledger/schema.js';
import { DAY_SUMMARIES_READER } from '../changes/reading-changes.js';
import type { DayGap, DayPoint, DaySummary } from './day-points.js';

type Ledger = Kysely<LedgerDatabase>;

export { DAY_SUMMARIES_READER };

/** How far day summaries are complete: every local day inside [from, through) with readings. */
export interface DaysState {
  readonly from: number;
  readonly through: number;
  /** The change feed is applied up to this id: a later row may make a summary stale. */
  readonly feedId: number;
}

const CHUNK = 500;

const summaryOfRow = (r: Selectable<ReadingDayTable>): DaySummary => ({
  meterId: r.meter_id,
  dayStart: Number(r.day_start),
  dayEnd: Number(r.day_end),
  timezone: r.timezone,
  readings: r.readings,
  points: JSON.parse(r.points) as DayPoint[],
  gaps: JSON.parse(r.gaps) as DayGap[],
});

/** The state of the summaries with the summariser's feed cursor, or undefined before a first pass. */
export async function readDaysState(db: Ledger): Promise<DaysState | undefined> {
  const row = await db
    .selectFrom('reading_days_state')
    .leftJoin('reading_change_cursors as c', (j) => j.on('c.reader', '=', DAY_SUMMARIES_READER))
    .select(['from_ms', 'through_ms', 'c.last_id'])
    .where('id', '=', 'days')
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    from: Number(row.from_ms),
    through: Number(row.through_ms),
    feedId: Number(row.last_id ?? 0),
  };
}

/** Start the summaries at `from` (nothing summarised yet), unless they have started. */
export async function startDaysState(db: Ledger, from: number): Promise<void> {
  await db
    .insertInto('reading_days_state')
    .values({ id: 'days', from_ms: from, through_ms: from })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Record that the summaries are complete up to `through` (never moved back). */
export async function advanceDaysState(db: Ledger, through: number): Promise<void> {
  await db
    .updateTable('reading_days_state')
    .set({ through_ms: through })
    .where('id', '=', 'days')
    .where('through_ms', '<', through)
    .execute();
}

/**
 * Take or renew the summariser's lease until `until`: true when `holder` has it. Two summarisers
 * at once could each move the state past what the other has not yet written.
 */
export async function takeDaysLease(
  db: Ledger,
  holder: string,
  now: number,
  until: number,
): Promise<boolean> {
  const r = await db
    .updateTable('reading_days_state')
    .set({ lease_holder: holder, lease_until: until })
    .where('id', '=', 'days')
    .where((eb) =>
      eb.or([
        eb('lease_until', 'is', null),
        eb('lease_until', '<', now),
        eb('lease_holder', '=', holder),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Give the lease up, so another process may summarise at once. */
export async function releaseDaysLease(db: Ledger, holder: string): Promise<void> {
  await db
    .updateTable('reading_days_state')
    .set({ lease_holder: null, lease_until: null })
    .where('id', '=', 'days')
    .where('lease_holder', '=', holder)
    .execute();
}

/**
 * Replace a group of meters' summaries of the days starting inside [from, to) by `days`: the days
 * without readings lose theirs. One transaction, so a reader never sees the group half written.
 */
export async function replaceDays(
  db: Ledger,
  meterIds: readonly string[],
  from: number,
  to: number,
  days: readonly DaySummary[],
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < meterIds.length; i += CHUNK) {
      await tx
        .deleteFrom('reading_days')
        .where('meter_id', 'in', meterIds.slice(i, i + CHUNK))
        .where('day_start', '>=', from)
        .where('day_start', '<', to)
        .execute();
    }
    await upsertDays(tx, days);
  });
}

/** Insert or replace day summaries. */
export async function upsertDays(db: Ledger, days: readonly DaySummary[]): Promise<void> {
  for (let i = 0; i < days.length; i += CHUNK) {
    const rows = days.slice(i, i + CHUNK).map((d) => ({
      meter_id: d.meterId,
      day_start: d.dayStart,
      day_end: d.dayEnd,
      timezone: d.timezone,
      readings: d.readings,
      points: JSON.stringify(d.points),
      gaps: JSON.stringify(d.gaps),
    }));
    await db
      .insertInto('reading_days')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['meter_id', 'day_start']).doUpdateSet((eb) => ({
          day_end: eb.ref('excluded.day_end'),
          timezone: eb.ref('excluded.timezone'),
          readings: eb.ref('excluded.readings'),
          points: eb.ref('excluded.points'),
          gaps: eb.ref('excluded.gaps'),
        })),
      )
      .execute();
  }
}

const daysSelect = (db: Ledger, meterId: string, from: number, to: number) =>
  db
    .selectFrom('reading_days')
    .selectAll()
    .where('meter_id', '=', meterId)
    .where('day_start', '>=', from)
    .where('day_start', '<', to)
    .orderBy('day_start');

const changeSelect = (db: Ledger, meterId: string, afterId: number) =>
  db
    .selectFrom('reading_changes')
    .select('id')
    .where('id', '>', afterId)
    .where('meter_id', '=', meterId)
    .where('kind', 'in', ['late', 'deleted'])
    .limit(1);

/**
 * The two queries of every cold consumption request, compiled once per ledger: building and
 * compiling a query costs about as much as SQLite answering it. Only the parameters change.
 */
interface DayQueries {
  readonly days: CompiledQuery<Selectable<ReadingDayTable>>;
  readonly change: CompiledQuery<{ id: number }>;
}
const compiled = new WeakMap<Ledger, DayQueries>();
function queriesOf(db: Ledger): DayQueries {
  let q = compiled.get(db);
  if (q === undefined) {
    q = { days: daysSelect(db, '', 0, 0).compile(), change: changeSelect(db, '', 0).compile() };
    compiled.set(db, q);
  }
  return q;
}

/** A meter's summaries of the days starting inside [from, to), ascending. */
export async function daysBetween(
  db: Ledger,
  meterId: string,
  from: number,
  to: number,
): Promise<DaySummary[]> {
  const { rows } = await db.executeQuery<Selectable<ReadingDayTable>>({
    ...queriesOf(db).days,
    parameters: [meterId, from, to],
  });
  return rows.map(summaryOfRow);
}

/** The start of each of a meter's summarised days inside [from, to). */
export async function dayStartsBetween(
  db: Ledger,
  meterId: string,
  from: number,
  to: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('reading_days')
    .select('day_start')
    .where('meter_id', '=', meterId)
    .where('day_start', '>=', from)
    .where('day_start', '<', to)
    .execute();
  return rows.map((r) => Number(r.day_start));
}

/** A meter's last summarised day starting before `t`. */
export async function dayBefore(
  db: Ledger,
  meterId: string,
  t: number,
): Promise<DaySummary | undefined> {
  const row = await db
    .selectFrom('reading_days')
    .selectAll()
    .where('meter_id', '=', meterId)
    .where('day_start', '<', t)
    .orderBy('day_start', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : summaryOfRow(row);
}

/** A meter's first summarised day starting inside [from, to). */
export async function firstDayBetween(
  db: Ledger,
  meterId: string,
  from: number,
  to: number,
): Promise<DaySummary | undefined> {
  const row = await db
    .selectFrom('reading_days')
    .selectAll()
    .where('meter_id', '=', meterId)
    .where('day_start', '>=', from)
    .where('day_start', '<', to)
    .orderBy('day_start')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : summaryOfRow(row);
}

/**
 * Whether the change feed holds a row past `afterId` that may change a summary of `meterId`
 * (readings stored late or deleted): until the summariser applies it, that meter's summaries are not
 * used.
 */
export async function changedSince(db: Ledger, meterId: string, afterId: number): Promise<boolean> {
  const q = queriesOf(db).change;
  const { rows } = await db.executeQuery({
    ...q,
    parameters: [afterId, meterId, ...q.parameters.slice(2)],
  });
  return rows.length > 0;
}
