import type { Kysely } from 'kysely';
import { getContract } from '../fleet/contracts.js';
import { canSee, notFound, type Visibility } from '../fleet/visibility.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { ReadingStore } from '../readings/reading-store.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { toRfc3339 } from '../shared/time.js';
import {
  billsNothing,
  invoiceView,
  lastYearOf,
  meterUsageOf,
  periodHistory,
  planBill,
  pricedView,
  readWindowOf,
  unbilledView,
  type BillPlan,
  type BillView,
  type PeriodHistoryItem,
} from './bill-status.js';
import { recordShownEstimate } from './accuracy/estimate-records.js';
import { foldBills, usagesOf } from './bills/fold-bills.js';
import { readLastYear } from './bills/read-last-year.js';
import { priorFleetResiduals, type FleetResiduals } from './estimate/fleet-residuals.js';
import { periodContaining, periodsBetween } from './periods/billing-periods.js';
import { loadBillingContexts, type BillingContext } from './records/billing-context.js';
import { findInvoice, invoicesOf, type Invoice } from './records/invoices-repo.js';
import { storedPeriodAt, storedPeriods } from './records/periods-repo.js';
import { backBillingCapStart } from './settlement/back-billing-cap.js';
import { DEFAULT_BILLING_OPTIONS, type BillingOptions } from './settlement/billing-deps.js';

export type { BillStatus, BillView, PeriodHistoryItem } from './bill-status.js';

/**
 * What reading bills needs: the ledger, the readings store, the clock, and the settlement settings
 * (the back-billing cap; docs/design.md §5 defaults without them).
 */
export interface BillViewDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows'>;
  readonly clock: Clock;
  readonly billing?: Pick<BillingOptions, 'backBillingMonths'> | undefined;
  /**
   * Ends a long valuation between two slices of bills (a process shutting down): what was recorded
   * stands, the rest is valued on the next run or on demand.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Where the back-billing cap starts at `now` for these deps: an unsettled bill shows what settling
 * it now would invoice, with the very instant settlement would use.
 */
export const billViewCapStart = (deps: Pick<BillViewDeps, 'billing'>, now: number): number =>
  backBillingCapStart(
    now,
    deps.billing?.backBillingMonths ?? DEFAULT_BILLING_OPTIONS.backBillingMonths,
  );

/** An unsettled bill to price: its contract and plan (`plan.read` set). */
export interface PlannedBill {
  readonly ctx: BillingContext;
  readonly plan: BillPlan;
}

/**
 * Bills priced per round: a round's usages (a month of quarter hours per contract, about 300 kB
 * each) are held until priced, so a fleet is priced a slice at a time rather than all of it held at
 * once. 25, one store call's worth of meters: at 100 the rounds' usages filled much of the 128 MB
 * heap `npm start` runs with, and valuing 2,000 bills spent 40 % of its time collecting garbage
 * (14 bills/s; 27 at 25).
 */
const PRICE_CHUNK = 25;

/**
 * Price unsettled bills from the readings store, each meter summed into its bill as it arrives, so
 * that neither a contract of many meters nor a fleet of contracts is in memory at once (bills go
 * 25 at a time). Answers by contract. A store failure (outage, timeout) becomes AppError
 * `store_unavailable` (503): the caller may retry, and nothing is wrong with its request.
 */
export async function priceBills(
  store: Pick<ReadingStore, 'windows'>,
  bills: readonly PlannedBill[],
  now: number,
  fleet: FleetResiduals = priorFleetResiduals(),
): Promise<Map<string, BillView>> {
  const out = new Map<string, BillView>();
  for (let i = 0; i < bills.length; i += PRICE_CHUNK) {
    const chunk = bills.slice(i, i + PRICE_CHUNK);
    for (const [k, v] of await priceChunk(store, chunk, now, fleet)) out.set(k, v);
  }
  return out;
}

async function priceChunk(
  store: Pick<ReadingStore, 'windows'>,
  bills: readonly PlannedBill[],
  now: number,
  fleet: FleetResiduals,
): Promise<Map<string, BillView>> {
  let folded;
  try {
    const lastYear = await readLastYear(
      store,
      bills.flatMap(({ ctx, plan }) => {
        const windows = lastYearOf(ctx, plan, now);
        return windows === undefined
          ? []
          : [{ key: ctx.contractId, meterIds: ctx.meterIds, windows }];
      }),
    );
    folded = await foldBills(
      store,
      bills.flatMap(({ ctx, plan }) => {
        const read = readWindowOf(ctx, plan, now);
        const seasonal = lastYear.get(ctx.contractId);
        return read === undefined
          ? []
          : [
              {
                key: ctx.contractId,
                meterIds: ctx.meterIds,
                from: read.start,
                to: read.end,
                ways: [meterUsageOf(ctx, plan, now, (m) => seasonal?.get(m))],
              },
            ];
      }),
    );
  } catch (e) {
    throw new AppError(
      'store_unavailable',
      `the readings store did not answer the readings of the bill: ${(e as Error).message}`,
    );
  }
  return new Map(
    bills.map(({ ctx, plan }) => {
      const [usage] = usagesOf(folded.get(ctx.contractId), ctx.contractId);
      if (usage === undefined) throw new Error(`the bill of ${ctx.contractId} has no usage`);
      return [ctx.contractId, pricedView(ctx, plan, usage, fleet)];
    }),
  );
}

/**
 * The billing context of a contract `v` may see; otherwise the 404 of an absent contract, so ids
 * cannot be probed.
 */
export async function visibleContext(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  contractId: string,
): Promise<BillingContext> {
  const ctx = (await loadBillingContexts(db, [contractId])).get(contractId);
  if (ctx === undefined || !canSee(v, ctx.customerId)) throw notFound('contract', contractId);
  return ctx;
}

/**
 * The bill of the period of contract `contractId` containing `at` (default now), docs/design.md §4:
 * the invoice of a settled period, the measured bill of a held or ended one, the estimate of the
 * open one, which is recorded as shown (`recordShownEstimate`) before it is answered. An ended, unsettled period is billed as settling it now would under the back-billing
 * cap: from the cap when it straddles it; when it ended at or before it, nothing (`held`,
 * `back_billing_cap`, no lines, zero total), since it will never be invoiced.
 *
 * @throws AppError `not_found` for a contract `v` may not see, or an `at` outside the contract;
 *   `validation_failed` for a period that has not started; `store_unavailable` when the store
 *   fails.
 */
export async function contractBill(
  deps: BillViewDeps,
  v: Visibility,
  contractId: string,
  at?: number,
): Promise<BillView> {
  const ctx = await visibleContext(deps.db, v, contractId);
  const now = deps.clock.now();
  const when = at ?? now;
  const period = periodContaining(ctx, when);
  if (period === undefined) {
    const why =
      when < ctx.startsAt
        ? `it starts at ${toRfc3339(ctx.startsAt)}`
        : `it ended at ${toRfc3339(ctx.endsAt ?? when)}`;
    throw new AppError(
      'not_found',
      `contract ${contractId} has no billing period at ${toRfc3339(when)}: ${why}`,
    );
  }
  if (period.start > now) {
    throw new AppError(
      'validation_failed',
      `at: no bill for a period that has not started (the period containing ${toRfc3339(when)} starts at ${toRfc3339(period.start)})`,
    );
  }
  const plan = planBill(
    contractId,
    period,
    await storedPeriodAt(deps.db, contractId, period.start),
    now,
    billViewCapStart(deps, now),
  );
  if (billsNothing(plan)) return unbilledView(ctx, plan);
  if (plan.read === undefined) {
    const invoice =
      plan.invoiceNumber === undefined ? undefined : await findInvoice(deps.db, plan.invoiceNumber);
    if (invoice === undefined)
      throw new Error(
        `the invoice ${plan.invoiceNumber ?? '?'} of a settled period of ${contractId} is missing`,
      );
    return invoiceView(plan, invoice);
  }
  const priced = (await priceBills(deps.store, [{ ctx, plan }], now)).get(contractId);
  if (priced === undefined) throw new Error(`the bill of ${contractId} was not priced`);
  // The daily record of what was shown (docs/estimates.md): estimates only, on change.
  await recordShownEstimate(deps.db, priced, ctx.timezone, v.all ? 'staff' : 'customer', now);
  return priced;
}

/**
 * Every billing period of a contract from its start up to and including the current one, newest
 * first, with what became of each (docs/design.md §4 `GET /v1/contracts/{id}/periods`).
 */
export async function contractPeriods(
  deps: Omit<BillViewDeps, 'store'>,
  v: Visibility,
  contractId: string,
): Promise<PeriodHistoryItem[]> {
  const ctx = await visibleContext(deps.db, v, contractId);
  const now = deps.clock.now();
  // `now + 1`: periodsBetween answers periods overlapping [from, to), and the current one must be
  // in.
  const calendar = now < ctx.startsAt ? [] : periodsBetween(ctx, ctx.startsAt, now + 1);
  return periodHistory(calendar, await storedPeriods(deps.db, contractId), now);
}

/** The invoices of a contract `v` may see, newest first. */
export async function contractInvoices(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  contractId: string,
): Promise<Invoice[]> {
  await getContract(db, v, contractId);
  return invoicesOf(db, contractId);
}

/**
 * The invoice `number` if `v` may see it (its customer's keys, staff, admin); otherwise 404 as for
 * an absent one.
 */
export async function visibleInvoice(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  number: string,
): Promise<Invoice> {
  const invoice = await findInvoice(db, number);
  if (invoice === undefined || !canSee(v, invoice.customerId)) throw notFound('invoice', number);
  return invoice;
}
