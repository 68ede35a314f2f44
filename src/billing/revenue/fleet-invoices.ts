import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { AppError } from '../../shared/app-error.js';
import { toIso } from '../../shared/time.js';
import { invoicesByNumbers, type Invoice } from '../records/invoices-repo.js';
import type { Page } from './list-cursor.js';
import { inLocalMonth, revenueMonth } from './revenue-month.js';

/** What to list: the invoices of a local month's periods, a page. */
export interface FleetInvoiceQuery {
  readonly month?: string | undefined;
  readonly limit: number;
  /** An invoice number: list those issued before it. */
  readonly before?: string | undefined;
}

const NUMBER = /^INV-(\d{4})-(\d{6})$/;

/**
 * Every invoice of the fleet, newest first (by number: numbers follow the order of issue within a
 * year), optionally only those whose period starts in `month` on its contract's local calendar;
 * paged by `before`, the last number of the previous page. Keyset pages, so a page costs the same
 * however far down the list it is.
 *
 * @throws AppError `validation_failed` for a malformed month or cursor.
 */
export async function fleetInvoices(
  db: Kysely<LedgerDatabase>,
  q: FleetInvoiceQuery,
): Promise<Page<Invoice>> {
  const month = q.month === undefined ? undefined : revenueMonth(q.month);
  let cursor: { year: number; seq: number } | undefined;
  if (q.before !== undefined) {
    const m = NUMBER.exec(q.before);
    if (m === null) throw new AppError('validation_failed', 'before: not a cursor from nextCursor');
    cursor = { year: Number(m[1]), seq: Number(m[2]) };
  }
  const inMonth = month === undefined ? undefined : inLocalMonth(month);
  const found: string[] = [];
  // The month's window is a day wider than any zone's month on each side; the few invoices of a
  // neighbouring month inside it are dropped here, and the next batch fills their place.
  for (;;) {
    const batch = q.limit + 1 - found.length;
    const rows = await db
      .selectFrom('invoices as i')
      .innerJoin('contracts as c', 'c.id', 'i.contract_id')
      .select(['i.number', 'i.year', 'i.seq', 'i.period_start', 'c.timezone'])
      .$if(month !== undefined, (b) =>
        b
          .where('i.period_start', '>=', toIso(month!.from))
          .where('i.period_start', '<', toIso(month!.to)),
      )
      .$if(cursor !== undefined, (b) =>
        b.where((eb) =>
          eb.or([
            eb('i.year', '<', cursor!.year),
            eb.and([eb('i.year', '=', cursor!.year), eb('i.seq', '<', cursor!.seq)]),
          ]),
        ),
      )
      .orderBy('i.year', 'desc')
      .orderBy('i.seq', 'desc')
      .limit(batch)
      .execute();
    for (const r of rows)
      if (inMonth === undefined || inMonth(Date.parse(r.period_start), r.timezone))
        found.push(r.number);
    const last = rows.at(-1);
    if (rows.length < batch || last === undefined || found.length > q.limit) break;
    cursor = { year: last.year, seq: last.seq };
  }
  const page = found.slice(0, q.limit);
  const byNumber = new Map((await invoicesByNumbers(db, page)).map((i) => [i.number, i]));
  const items = page.flatMap((n) => byNumber.get(n) ?? []);
  const last = page.at(-1);
  return found.length > q.limit && last !== undefined ? { items, nextCursor: last } : { items };
}
