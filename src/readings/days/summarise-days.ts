import type { Kysely } from 'kysely';
import { bucketEdges } from '../../consumption/group-by.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Clock } from '../../shared/clock.js';
import { SEAL_MS } from '../cache/cached-store.js';
import { advanceCursor, readPastCursor } from '../changes/reading-change-cursors.js';
import type { ReadingChange } from '../changes/reading-changes.js';
import type { Reading } from '../reading.js';
import type { ReadingStore } from '../reading-store.js';
import { type DaySummary, summariseDay } from './day-points.js';
import {
  advanceDaysState,
  DAY_SUMMARIES_READER,
  dayStartsBetween,
  readDaysState,
  releaseDaysLease,
  replaceDays,
  startDaysState,
  takeDaysLease,
} from './reading-days-repo.js';

type Ledger = Kysely<LedgerDatabase>;

export interface SummariseDaysDeps {
  readonly db: Ledger;
  readonly store: Pick<ReadingStore, 'windows'>;
  readonly clock: Clock;
  /** Who runs this pass (process and host), for the lease. */
  readonly holder: string;
}

export interface SummariseDaysOptions {
  /** Meters read from the store in one round trip (default 100). */
  readonly meterBatch?: number;
  /** Days read per meter in one round trip (default 7): 100 meters x 7 days ~ 67,000 readings. */
  readonly chunkDays?: number;
  /** How long the lease lasts without renewal (default 5 min); it is renewed after every read. */
  readonly leaseMs?: number;
}

/** What a pass did. */
export interface SummariseDaysResult {
  /** False when another process held the lease. */
  readonly ran: boolean;
  /** Day summaries written (days without readings count too: their summary went). */
  readonly days: number;
  /** Change-feed rows applied. */
  readonly changes: number;
  /** The summaries are complete up to here. */
  readonly through: number;
}

interface Day {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;
/** Enough day edges for any history a ledger holds. */
const MAX_DAYS = 200_000;

/**
 * The local days of `tz` that start at or after `from` and end inside (`after`, `upTo`], ascending.
 */
function localDays(tz: string, from: number, after: number, upTo: number): Day[] {
  if (!(upTo > after)) return [];
  const edges = bucketEdges(after, upTo, 'day', tz, MAX_DAYS);
  const days: Day[] = [];
  for (let i = 1; i < edges.length; i++) {
    const start = edges[i - 1]!;
    const end = edges[i]!;
    if (start >= from && end > after && end <= upTo) days.push({ start, end });
  }
  return days;
}

/** Each meter's zone: its contract's, or UTC without a contract (as consumption reads it). */
async function zonesOf(db: Ledger, ids?: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .select(['meters.id', 'contracts.timezone'])
    .$if(ids !== undefined, (q) => q.where('meters.id', 'in', [...(ids ?? [])]))
    .execute();
  return new Map(rows.map((r) => [r.id, r.timezone ?? 'UTC']));
}

/**
 * Where summaries start on a new ledger: a day before the first meter was installed (so the local
 * day of its installation is whole in any zone), or at the sealed edge when there is no meter yet.
 */
async function firstDay(db: Ledger, sealedEdge: number): Promise<number> {
  const row = await db
    .selectFrom('meters')
    .select((eb) => eb.fn.min('installed_at').as('first'))
    .executeTakeFirst();
  const first = row?.first == null ? Number.NaN : Date.parse(String(row.first));
  const t = Number.isFinite(first) ? Math.min(first, sealedEdge) : sealedEdge;
  return Math.floor(t / DAY_MS) * DAY_MS - DAY_MS;
}

/** The readings inside each day, from readings ascending. */
function byDay(days: readonly Day[], readings: readonly Reading[]): Reading[][] {
  const out = days.map((): Reading[] => []);
  let d = 0;
  for (const r of readings) {
    while (d < days.length && r.ts >= days[d]!.end) d++;
    if (d === days.length) break;
    if (r.ts >= days[d]!.start) out[d]!.push(r);
  }
  return out;
}

/**
 * Keep `reading_days` (see `day-points.ts`): apply the change feed to the days already summarised,
 * then summarise the local days sealed since the last pass. A day is summarised once it is sealed
 * (SEAL_MS after its end): from then on every change of its readings is in the feed, so a summary
 * stays exact until a feed row says otherwise, and the API does not use a meter's summaries while
 * such a row is past this reader's cursor. Any process may run it: a lease keeps it to one at a
 * time. Idempotent; a failed pass is finished by the next one.
 */
export async function summariseDays(
  deps: SummariseDaysDeps,
  opts: SummariseDaysOptions = {},
): Promise<SummariseDaysResult> {
  const { db, clock, holder } = deps;
  const meterBatch = opts.meterBatch ?? 100;
  const chunkDays = opts.chunkDays ?? 7;
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const target = clock.now() - SEAL_MS;
  await startDaysState(db, await firstDay(db, target));
  const lease = async () => {
    const now = clock.now();
    if (!(await takeDaysLease(db, holder, now, now + leaseMs)))
      throw new Error('the day summaries lease was lost');
  };
  const now = clock.now();
  if (!(await takeDaysLease(db, holder, now, now + leaseMs)))
    return { ran: false, days: 0, changes: 0, through: Number.NaN };
  let days = 0;
  let changes = 0;

  /** Summarise `ids` (one zone) over consecutive `list` days, a chunk of days at a time. */
  async function rebuild(tz: string, ids: readonly string[], list: readonly Day[]): Promise<void> {
    for (let i = 0; i < list.length; i += chunkDays) {
      const chunk = list.slice(i, i + chunkDays);
      const from = chunk[0]!.start;
      const to = chunk.at(-1)!.end;
      const windows = await deps.store.windows(
        ids.map((meterId) => ({ meterId, from, to: to - 1, fields: 'registers' as const })),
      );
      const rows: DaySummary[] = [];
      for (const id of ids) {
        const perDay = byDay(chunk, windows.get(id)?.inside ?? []);
        chunk.forEach((day, k) => {
          const s = summariseDay(id, { ...day, timezone: tz }, perDay[k]!);
          if (s !== undefined) rows.push(s);
        });
      }
      await replaceDays(db, ids, from, to, rows);
      days += chunk.length * ids.length;
      await lease();
    }
  }

  /**
   * Summarise newly sealed days of `ids` (one zone), from the day of the batch's first reading on:
   * a fleet installed long before its meters spoke costs no read of the days between. Summaries
   * of the skipped days (left by a pass that failed before moving the state) go.
   */
  async function sweep(tz: string, ids: readonly string[], list: readonly Day[]): Promise<void> {
    const edge = list[0]!.start;
    const probe = await deps.store.windows(
      ids.map((meterId) => ({ meterId, from: edge, to: edge, fields: 'registers' as const })),
    );
    let first = Number.POSITIVE_INFINITY;
    for (const w of probe.values())
      first = Math.min(first, w.inside[0]?.ts ?? w.after?.ts ?? first);
    const from = list.findIndex((d) => d.end > first);
    const skipTo = from === -1 ? list.at(-1)!.end : list[from]!.start;
    if (skipTo > edge) await replaceDays(db, ids, edge, skipTo, []);
    if (from !== -1) await rebuild(tz, ids, list.slice(from));
  }

  try {
    let state = (await readDaysState(db))!;
    // The feed first: what changed in the days already summarised.
    for (;;) {
      const batch = await readPastCursor(db, DAY_SUMMARIES_READER, ['late', 'deleted'], 500);
      if (batch.changes.length > 0) {
        const zones = await zonesOf(db, [...new Set(batch.changes.map((c) => c.meterId))]);
        for (const c of batch.changes) {
          await applyChange(c, zones.get(c.meterId) ?? 'UTC', state);
          changes += 1;
        }
      }
      await advanceCursor(db, DAY_SUMMARIES_READER, batch.upTo);
      if (batch.changes.length < 500) break;
    }
    // Then the days sealed since.
    if (target > state.through) {
      const byZone = new Map<string, string[]>();
      for (const [id, tz] of await zonesOf(db)) byZone.set(tz, [...(byZone.get(tz) ?? []), id]);
      for (const [tz, ids] of byZone) {
        const list = localDays(tz, state.from, state.through, target);
        if (list.length === 0) continue;
        for (let i = 0; i < ids.length; i += meterBatch)
          await sweep(tz, ids.slice(i, i + meterBatch), list);
      }
      await advanceDaysState(db, target);
      state = { ...state, through: target };
    }
    return { ran: true, days, changes, through: state.through };
  } finally {
    await releaseDaysLease(db, holder);
  }

  /**
   * Summarise again the days a feed row touches among those already summarised. A deletion can only
   * empty days, so it redoes only the span of the days that have summaries.
   */
  async function applyChange(
    c: ReadingChange,
    tz: string,
    state: { readonly from: number; readonly through: number },
  ): Promise<void> {
    const lo = Math.max(c.from, state.from);
    const hi = Math.min(c.to + 1, state.through);
    if (!(hi > lo)) return;
    const upTo = Math.min(state.through, hi + 2 * DAY_MS);
    let list = localDays(tz, state.from, lo - 2 * DAY_MS, upTo).filter(
      (d) => d.end > lo && d.start < hi,
    );
    if (c.kind === 'deleted') {
      const starts = await dayStartsBetween(db, c.meterId, lo - 2 * DAY_MS, hi);
      if (starts.length === 0) return;
      const first = Math.min(...starts);
      const last = Math.max(...starts);
      list = list.filter((d) => d.start >= first && d.start <= last);
    }
    if (list.length > 0) await rebuild(tz, [c.meterId], list);
  }
}
