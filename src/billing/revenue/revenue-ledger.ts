import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { toIso } from '../../shared/time.js';
import type { PeriodRowHistory } from './plan-at.js';
import { markKey } from './revenue-marks-repo.js';
import type { RevenueMonth } from './revenue-month.js';

/** What the ledger says about a month's periods and fleet, for valuing them at an instant. */
export interface MonthLedger {
  /** Rows of the periods starting in the month's window, by `markKey`. */
  readonly rows: ReadonlyMap<string, PeriodRowHistory>;
  /** Contracts whose move-out was recorded after the instant: when, by contract. */
  readonly moveOutsAfter: ReadonlyMap<string, number>;
  /** Contracts and meters created after the instant: they did not exist then. */
  readonly contractsAfter: ReadonlySet<string>;
  readonly metersAfter: ReadonlySet<string>;
}

/**
 * The month's period rows with when each was first held, and what was created or recorded after
 * `at`: five set queries, whatever the number of contracts.
 */
export async function monthLedger(
  db: Kysely<LedgerDatabase>,
  m: RevenueMonth,
  at: number,
): Promise<MonthLedger> {
  const from = toIso(m.from);
  const to = toIso(m.to);
  const after = toIso(at);
  const [rows, holds, moveOuts, contracts, meters] = await Promise.all([
    db
      .selectFrom('billing_periods')
      .select([
        'id',
        'contract_id',
        'start_at',
        'end_at',
        'status',
        'hold_reason',
        'invoice_number',
        'closed_at',
        'settled_at',
      ])
      .where('start_at', '>=', from)
      .where('start_at', '<', to)
      .execute(),
    db
      .selectFrom('audit_log as a')
      .innerJoin('billing_periods as p', 'p.id', 'a.period_id')
      .select(['a.period_id', (eb) => eb.fn.min('a.at').as('held_at')])
      .where('a.action', '=', 'hold')
      .where('p.start_at', '>=', from)
      .where('p.start_at', '<', to)
      .groupBy('a.period_id')
      .execute(),
    db
      .selectFrom('audit_log')
      .select(['contract_id', (eb) => eb.fn.min('at').as('recorded_at')])
      .where('action', '=', 'move_out')
      .where('at', '>', after)
      .groupBy('contract_id')
      .execute(),
    db.selectFrom('contracts').select('id').where('created_at', '>', after).execute(),
    db.selectFrom('meters').select('id').where('created_at', '>', after).execute(),
  ]);
  const heldAt = new Map(holds.map((h) => [h.period_id, Date.parse(String(h.held_at))]));
  return {
    rows: new Map(
      rows.map((r) => [
        markKey(r.contract_id, Date.parse(r.start_at)),
        {
          start: Date.parse(r.start_at),
          end: Date.parse(r.end_at),
          status: r.status,
          holdReason: r.hold_reason,
          invoiceNumber: r.invoice_number,
          closedAt: Date.parse(r.closed_at),
          settledAt: r.settled_at === null ? null : Date.parse(r.settled_at),
          heldAt: heldAt.get(r.id) ?? null,
        },
      ]),
    ),
    moveOutsAfter: new Map(
      moveOuts.flatMap((r) =>
        r.contract_id === null ? [] : [[r.contract_id, Date.parse(String(r.recorded_at))]],
      ),
    ),
    contractsAfter: new Set(contracts.map((c) => c.id)),
    metersAfter: new Set(meters.map((x) => x.id)),
  };
}
