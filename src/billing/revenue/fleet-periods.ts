import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import { toIso } from '../../shared/time.js';
import {
  periodHistory,
  type HistoryRow,
  type PeriodHistoryItem,
  type PeriodHistoryStatus,
} from '../bill-status.js';
import {
  periodContaining,
  periodsBetween,
  type BillingPeriod,
} from '../periods/billing-periods.js';
import { decodeCursor, encodeCursor, type Page } from './list-cursor.js';
import { inLocalMonth, monthEdges, revenueMonth, type MonthEdges } from './revenue-month.js';

/** One period of the fleet-wide list: a contract's period as its own history shows it. */
export interface FleetPeriod extends PeriodHistoryItem {
  readonly contractId: string;
}

/** What to list: a status, the periods of a local month, a page. */
export interface FleetPeriodQuery {
  readonly status?: PeriodHistoryStatus | undefined;
  readonly month?: string | undefined;
  readonly limit: number;
  readonly before?: string | undefined;
}

interface ContractRow {
  readonly id: string;
  readonly timezone: string;
  readonly starts_at: string;
  readonly ends_at: string | null;
}

/** The calendar periods of a contract the query may list (the open one alone for `open`). */
function calendarOf(
  c: ContractRow,
  q: FleetPeriodQuery,
  month: ((tz: string) => MonthEdges) | undefined,
  now: number,
): BillingPeriod[] {
  const span = {
    startsAt: Date.parse(c.starts_at),
    endsAt: c.ends_at === null ? null : Date.parse(c.ends_at),
    timezone: c.timezone,
  };
  if (q.status === 'held' || q.status === 'settled' || now < span.startsAt) return [];
  if (q.status === 'open') {
    const p = periodContaining(span, now);
    return p === undefined ? [] : [p];
  }
  if (month !== undefined) {
    // The local month cut to the contract, as periodsBetween makes it, from edges known per zone.
    const e = month(c.timezone);
    const p = {
      start: Math.max(e.start, span.startsAt),
      end: span.endsAt === null ? e.end : Math.min(e.end, span.endsAt),
    };
    return p.start < p.end && p.start <= now ? [p] : [];
  }
  return periodsBetween(span, span.startsAt, now + 1);
}

/**
 * Every contract's billing periods up to the current one, fleet-wide, newest first (by start, then
 * contract id), each as `GET /v1/contracts/{id}/periods` shows it: the open one, ended ones not
 * closed yet (`closed`, no `closedAt`), and the ledger's rows. Filtered by status and by local month
 * (in each contract's zone); paged by `before`. Two set queries, whatever the number of contracts.
 *
 * @throws AppError `validation_failed` for a malformed month or cursor.
 */
export async function fleetPeriods(
  deps: { readonly db: Kysely<LedgerDatabase>; readonly clock: Clock },
  q: FleetPeriodQuery,
): Promise<Page<FleetPeriod>> {
  const now = deps.clock.now();
  const month = q.month === undefined ? undefined : revenueMonth(q.month);
  const after = q.before === undefined ? undefined : decodeCursor(q.before, 2);
  const cursorStart = after === undefined ? undefined : Number(after[0]);
  if (cursorStart !== undefined && !Number.isSafeInteger(cursorStart))
    throw new AppError('validation_failed', 'before: not a cursor from nextCursor');

  const [contracts, rows] = await Promise.all([
    deps.db.selectFrom('contracts').select(['id', 'timezone', 'starts_at', 'ends_at']).execute(),
    // The open period has no row.
    q.status === 'open'
      ? []
      : deps.db
          .selectFrom('billing_periods')
          .selectAll()
          .$if(month !== undefined, (b) =>
            b.where('start_at', '>=', toIso(month!.from)).where('start_at', '<', toIso(month!.to)),
          )
          // `closed` also lists ended periods without a row, from the calendar, which every row
          // must then overrule.
          .$if(q.status === 'held' || q.status === 'settled', (b) =>
            b.where('status', '=', q.status as 'held' | 'settled'),
          )
          .execute(),
  ]);
  const rowsOf = new Map<string, HistoryRow[]>();
  for (const r of rows) {
    const list = rowsOf.get(r.contract_id) ?? [];
    list.push({
      id: r.id,
      start: Date.parse(r.start_at),
      end: Date.parse(r.end_at),
      status: r.status,
      holdReason: r.hold_reason,
      invoiceNumber: r.invoice_number,
      closedAt: Date.parse(r.closed_at),
      settledAt: r.settled_at === null ? null : Date.parse(r.settled_at),
    });
    rowsOf.set(r.contract_id, list);
  }
  const inMonth = month === undefined ? undefined : inLocalMonth(month);
  const edgesOf = month === undefined ? undefined : monthEdges(month);
  const all = contracts.flatMap((c) =>
    periodHistory(calendarOf(c, q, edgesOf, now), rowsOf.get(c.id) ?? [], now)
      .filter((p) => q.status === undefined || p.status === q.status)
      .filter((p) => inMonth === undefined || inMonth(p.start, c.timezone))
      .map((p): FleetPeriod => ({ ...p, contractId: c.id })),
  );
  all.sort((a, b) => b.start - a.start || (a.contractId < b.contractId ? -1 : 1));
  const rest =
    after === undefined || cursorStart === undefined
      ? all
      : all.filter(
          (p) => p.start < cursorStart || (p.start === cursorStart && p.contractId > after[1]!),
        );
  const items = rest.slice(0, q.limit);
  const last = items.at(-1);
  return rest.length > q.limit && last !== undefined
    ? { items, nextCursor: encodeCursor([last.start, last.contractId]) }
    : { items };
}
