import type { Kysely } from 'kysely';
import { bucketEdges } from '../../consumption/group-by.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { CachedStore } from '../cache/cached-store.js';
import type { ReadingStore } from '../reading-store.js';
import type { RegisterColumns } from '../register-columns.js';
import { type DayPoint, type DaySummary, pointOf } from './day-points.js';
import { thinnedColumns } from './day-series.js';
import {
  changedSince,
  dayBefore,
  daysBetween,
  type DaysState,
  firstDayBetween,
  readDaysState,
} from './reading-days-repo.js';

/** How long an API process trusts the summaries' state it read (older is only more cautious). */
export const DAYS_STATE_TTL_MS = 5_000;

/** How far before and after its range a request reads days, for the readings around it. */
const NEIGHBOUR_MS = 2 * 86_400_000;

/** Consumption series of meters cut at local midnights, from day summaries. */
export interface DaySeriesSource {
  /**
   * The series consumption needs for buckets whose edges are local midnights of `tz` over
   * [start, end] (both local midnights): the summarised days thinned, the rest read from the
   * store. Undefined when summaries cannot answer (none yet, in another zone, a feed row not yet
   * applied to them, nothing of the range summarised) or the readings cache holds the window.
   */
  series(
    meterId: string,
    tz: string,
    start: number,
    end: number,
  ): Promise<RegisterColumns | undefined>;
}

export interface DaySeriesDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'registers' | 'windows'>;
  readonly clock: Clock;
  /** The readings cache: a window it holds is answered from memory, which is cheaper still. */
  readonly cached?: Pick<CachedStore, 'holds'> | undefined;
}

/** The last local midnight of `tz` inside [start, min(end, through)], or start when none. */
function summarisedEnd(tz: string, start: number, end: number, through: number): number {
  if (end <= through) return end;
  if (through <= start) return start;
  const edges = bucketEdges(start, through, 'day', tz, 200_000);
  let cut = start;
  for (const e of edges) if (e <= through) cut = e;
  return cut;
}

/**
 * Read a month of days as about 31 summary rows instead of about 2,976 readings: the cold path of
 * a consumption request (no readings cache holds a million meters). Answers exactly what the
 * readings would (see `thinnedColumns`); the few hours not yet summarised come from the store.
 */
export function daySeriesSource(
  deps: DaySeriesDeps,
  stateTtlMs = DAYS_STATE_TTL_MS,
): DaySeriesSource {
  let state: { value: DaysState | undefined; at: number } | undefined;
  const currentState = async () => {
    const now = deps.clock.now();
    if (state === undefined || now - state.at >= stateTtlMs || now < state.at)
      state = { value: await readDaysState(deps.db), at: now };
    return state.value;
  };

  /**
   * The nearest reading before `start`, from the day before it (`near`: the latest day read with the
   * range, if any; else the ledger's) or the store.
   */
  async function before(
    meterId: string,
    tz: string,
    start: number,
    from: number,
    near: DaySummary | undefined,
  ) {
    const day = near ?? (await dayBefore(deps.db, meterId, start));
    if (day !== undefined && day.dayStart >= from)
      return day.timezone === tz ? { point: day.points.at(-1) } : undefined;
    const w = (
      await deps.store.windows([{ meterId, from: start, to: start, fields: 'registers' }])
    ).get(meterId);
    return { point: w?.before === undefined ? undefined : pointOf(w.before) };
  }

  /**
   * The nearest reading at or after `end`, from the next summarised day (`near`: the first day read
   * with the range, if any; else the ledger's) or the store.
   */
  async function after(
    meterId: string,
    end: number,
    through: number,
    near: DaySummary | undefined,
  ): Promise<DayPoint | undefined> {
    const day = near ?? (await firstDayBetween(deps.db, meterId, end, through));
    if (day !== undefined) return day.points[0];
    const w = (
      await deps.store.windows([{ meterId, from: end, to: end, fields: 'registers' }])
    ).get(meterId);
    const r = w?.inside[0] ?? w?.after;
    return r === undefined ? undefined : pointOf(r);
  }

  return {
    async series(meterId, tz, start, end) {
      if (deps.cached?.holds(meterId, start, end) === true) return undefined;
      const s = await currentState();
      if (s === undefined || start < s.from) return undefined;
      const cut = summarisedEnd(tz, start, end, s.through);
      if (cut <= start) return undefined;
      if (await changedSince(deps.db, meterId, s.feedId)) return undefined;
      // With two days either side in the same query: the neighbours the range needs are almost
      // always among them, and a cold request is then three ledger queries, not five.
      const edge = cut < end ? cut : Math.min(end + NEIGHBOUR_MS, s.through);
      const read = await daysBetween(deps.db, meterId, start - NEIGHBOUR_MS, edge);
      const days = read.filter((d) => d.dayStart >= start && d.dayStart < cut);
      if (days.some((d) => d.timezone !== tz)) return undefined;
      const first = days[0]?.points[0]?.[0];
      const prior =
        first === start
          ? { point: undefined }
          : await before(meterId, tz, start, s.from, read.filter((d) => d.dayStart < start).at(-1));
      if (prior === undefined) return undefined;
      if (cut < end) {
        const tail = await deps.store.registers(meterId, cut, end);
        return thinnedColumns({ before: prior.point, days, tail });
      }
      return thinnedColumns({
        before: prior.point,
        days,
        after: await after(
          meterId,
          end,
          s.through,
          read.find((d) => d.dayStart >= end),
        ),
      });
    },
  };
}
