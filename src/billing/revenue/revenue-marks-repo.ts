import { sql, type Kysely } from 'kysely';
import type { LedgerDatabase, RevenueMarkTable } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { MoneyRange } from './money-range.js';

/** An unsettled bill's figures as they stood at an instant. */
export interface RevenueMark {
  readonly contractId: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** The instant the figures are as of. */
  readonly markedAt: number;
  readonly status: RevenueMarkTable['status'];
  readonly currency: string;
  /** A measured bill (provisional, held) has its total at every quantile. */
  readonly range: MoneyRange;
}

/** The key of a contract's period: a contract has one period starting at a given instant. */
export const markKey = (contractId: string, periodStart: number): string =>
  `${contractId}\u0000${periodStart}`;

/**
 * The latest mark of each period starting in `[from, to)` taken in `(after, upTo]`, by `markKey`:
 * one range query on the primary key, whatever the number of contracts.
 */
export async function latestMarks(
  db: Kysely<LedgerDatabase>,
  after: number,
  upTo: number,
  from: number,
  to: number,
): Promise<Map<string, RevenueMark>> {
  const rows = await db
    .selectFrom('revenue_marks')
    .selectAll()
    .where('marked_at', '>', toIso(after))
    .where('marked_at', '<=', toIso(upTo))
    .where('period_start', '>=', toIso(from))
    .where('period_start', '<', toIso(to))
    .execute();
  const out = new Map<string, RevenueMark>();
  for (const r of rows) {
    const mark: RevenueMark = {
      contractId: r.contract_id,
      periodStart: Date.parse(r.period_start),
      periodEnd: Date.parse(r.period_end),
      markedAt: Date.parse(r.marked_at),
      status: r.status,
      currency: r.currency,
      range: { p10: r.p10, p50: r.p50, p90: r.p90 },
    };
    const key = markKey(mark.contractId, mark.periodStart);
    const seen = out.get(key);
    if (seen === undefined || seen.markedAt < mark.markedAt) out.set(key, mark);
  }
  return out;
}

/**
 * Record marks. A mark is never replaced: when two processes value the same bill at the same
 * instant, the first one written stands. Answers how many of `marks` were written.
 */
export async function insertMarks(
  db: Kysely<LedgerDatabase>,
  marks: readonly RevenueMark[],
  now: number,
): Promise<number> {
  let written = 0;
  for (let i = 0; i < marks.length; i += 200) {
    const result = await db
      .insertInto('revenue_marks')
      .values(
        marks.slice(i, i + 200).map((m) => ({
          contract_id: m.contractId,
          period_start: toIso(m.periodStart),
          marked_at: toIso(m.markedAt),
          period_end: toIso(m.periodEnd),
          status: m.status,
          currency: m.currency,
          p10: m.range.p10,
          p50: m.range.p50,
          p90: m.range.p90,
          created_at: toIso(now),
        })),
      )
      .onConflict((oc) => oc.columns(['marked_at', 'period_start', 'contract_id']).doNothing())
      .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return written;
}

/**
 * Thin the marks taken before `before` to those that answer a UTC midnight: the marks of the 15
 * minutes up to a midnight (`MARK_REUSE_MS`), which the questions about that midnight take. The
 * console's chart asks about every UTC midnight of a month, so its points keep their answers for
 * good, while the schedule's valuation of every open bill every 15 minutes would otherwise grow the
 * table by a row per contract each time (two million rows a day at 20,000 contracts). A question
 * about any other instant before `before` is answered again from the ledger's history and the
 * readings received by then (docs/revenue.md). Answers the number of marks deleted.
 */
export async function pruneRevenueMarks(
  db: Kysely<LedgerDatabase>,
  before: number,
): Promise<number> {
  // ISO instants (`YYYY-MM-DDTHH:MM:SS.sssZ`): from the 12th character on, the time of day.
  const timeOfDay = sql<string>`substr(marked_at, 12)`;
  const result = await db
    .deleteFrom('revenue_marks')
    .where('marked_at', '<', toIso(before))
    .where(timeOfDay, '<=', '23:45:00.000Z')
    .where(timeOfDay, '<>', '00:00:00.000Z')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
