import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import { Dec } from '../pricing/decimal.js';
import { inLocalMonth, type RevenueMonth } from './revenue-month.js';

/** Money of a month that the ledger already holds, by currency. */
export interface SettledMoney {
  /** Invoiced by `asOf`: the month's own invoice lines and the adjustments of its periods billed. */
  readonly settled: ReadonlyMap<string, Dec>;
  /** Adjustments of the month's periods recorded by `asOf` and not billed by then. */
  readonly adjustmentsPending: ReadonlyMap<string, Dec>;
}

const add = (m: Map<string, Dec>, currency: string, amount: Dec | string) =>
  m.set(currency, (m.get(currency) ?? new Dec(0)).plus(amount));

/**
 * The settled money of a month as it stood at `asOf`, each euro counted once and for the month of
 * the period it pays for. A period's invoice also carries the adjustments of earlier periods (their
 * lines ride on the next invoice), so those are taken off it and counted for their own period,
 * settled once the invoice that bills them was issued and pending until then. Three set queries;
 * the local month of each period is checked in its contract's zone.
 */
export async function settledMoney(
  db: Kysely<LedgerDatabase>,
  m: RevenueMonth,
  asOf: number,
): Promise<SettledMoney> {
  const from = toIso(m.from);
  const to = toIso(m.to);
  const by = toIso(asOf);
  const [invoices, carried, adjustments] = await Promise.all([
    db
      .selectFrom('invoices as i')
      .innerJoin('contracts as c', 'c.id', 'i.contract_id')
      .select(['i.number', 'i.period_start', 'i.currency', 'i.total', 'c.timezone'])
      .where('i.kind', '=', 'period')
      .where('i.period_start', '>=', from)
      .where('i.period_start', '<', to)
      .where('i.issued_at', '<=', by)
      .execute(),
    // Adjustment lines riding on those invoices: money of other months.
    db
      .selectFrom('adjustments as a')
      .innerJoin('invoices as i', 'i.number', 'a.applied_invoice_number')
      .select(['i.number', 'a.total'])
      .where('i.kind', '=', 'period')
      .where('i.period_start', '>=', from)
      .where('i.period_start', '<', to)
      .where('i.issued_at', '<=', by)
      .execute(),
    // Adjustments of the month's own periods, with when the invoice that billed them was issued.
    db
      .selectFrom('adjustments as a')
      .innerJoin('billing_periods as p', 'p.id', 'a.period_id')
      .innerJoin('contracts as c', 'c.id', 'a.contract_id')
      .leftJoin('invoices as i', 'i.number', 'a.applied_invoice_number')
      .select(['a.currency', 'a.total', 'a.created_at', 'p.start_at', 'c.timezone', 'i.issued_at'])
      .where('p.start_at', '>=', from)
      .where('p.start_at', '<', to)
      .where('a.created_at', '<=', by)
      .execute(),
  ]);
  const inMonth = inLocalMonth(m);
  const carriedBy = new Map<string, Dec>();
  for (const c of carried) add(carriedBy, c.number, c.total);
  const settled = new Map<string, Dec>();
  const pending = new Map<string, Dec>();
  for (const i of invoices) {
    if (!inMonth(Date.parse(i.period_start), i.timezone)) continue;
    add(settled, i.currency, new Dec(i.total).minus(carriedBy.get(i.number) ?? 0));
  }
  for (const a of adjustments) {
    if (!inMonth(Date.parse(a.start_at), a.timezone)) continue;
    const billed = a.issued_at !== null && a.issued_at <= by;
    add(billed ? settled : pending, a.currency, a.total);
  }
  return { settled, adjustmentsPending: pending };
}
