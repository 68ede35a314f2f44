import {
  consentBaselineStart,
  consentedUsage,
  consentHorizon,
  HISTORY_MS,
  type SeasonalLookup,
} from './bills/consented-usage.js';
import { lastYearWindows, type LastYearWindows } from './estimate/seasonal-factors.js';
import {
  type ContractUsage,
  measuredUsage,
  type MeterReadings,
  type MeterUsage,
} from './bills/meter-usage.js';
import {
  billedRange,
  estimatedBillOf,
  measuredBillOf,
  type BillBasis,
} from './bills/period-bill.js';
import type { EstimateRange } from './estimate/estimate-range.js';
import type { FleetResiduals } from './estimate/fleet-residuals.js';
import type { BillingPeriod } from './periods/billing-periods.js';
import type { TimeRange } from './pricing/bill.js';
import { fixed, minorDigits, Dec } from './pricing/decimal.js';
import { BACK_BILLING_CAP, billableRange } from './settlement/back-billing-cap.js';
import type { BillingContext } from './records/billing-context.js';
import type { InvoiceLine } from './records/invoice-line.js';
import type { Invoice } from './records/invoices-repo.js';
import type { StoredPeriodStatus } from './records/periods-repo.js';

const DAY_MS = 86_400_000;

/** Bill status (docs/design.md §1). */
export type BillStatus = 'estimated' | 'provisional' | 'settled' | 'held';

/**
 * Every bill status, in the order docs/design.md §1 lists them: the order of the billing summary.
 */
export const BILL_STATUSES: readonly BillStatus[] = ['estimated', 'provisional', 'settled', 'held'];

/**
 * The bill of one billing period as the API answers it (instants in epoch ms; `basis.asOf` is
 * RFC 3339 already).
 */
export interface BillView {
  readonly contractId: string;
  readonly period: TimeRange;
  readonly status: BillStatus;
  readonly currency: string;
  readonly lines: readonly InvoiceLine[];
  readonly subtotal: string;
  readonly total: string;
  readonly basis: BillBasis;
  /** An estimated bill's range (docs/estimates.md): `p50` equals `total`. */
  readonly estimate?: EstimateRange;
  /** The invoice of a settled period. */
  readonly invoiceNumber?: string;
  /**
   * Why a held period could not be settled. `back_billing_cap`: the period ended at or before the
   * back-billing cap and will never be invoiced, so its bill has no lines and a zero total.
   */
  readonly holdReason?: string;
}

/** What the ledger row of a period (if any) says about its bill. */
export interface PeriodRecord extends BillingPeriod {
  readonly status: StoredPeriodStatus;
  readonly holdReason: string | null;
  readonly invoiceNumber: string | null;
}

/**
 * How a period's bill is made: its status and, unless settled, the readings window its pricing
 * needs.
 */
export interface BillPlan {
  readonly contractId: string;
  readonly period: TimeRange;
  readonly status: BillStatus;
  readonly invoiceNumber?: string;
  readonly holdReason?: string;
  /**
   * Where the back-billing cap cuts an ended, unsettled period: its bill prices from there to the
   * period end only, as settling it now would.
   */
  readonly cappedAt?: number;
  /**
   * Readings to fetch (the store adds each meter's neighbours outside); absent for a settled
   * period, and for one that bills nothing (`billsNothing`).
   */
  readonly read?: TimeRange;
}

/**
 * Decide how the bill of `period` is made at `now` (docs/design.md §1, §5): its ledger row rules
 * when there is one (a move-out row may end before the calendar month does); an ended period
 * without a settlement is `provisional`, priced from measured data only; the open period is
 * `estimated`, and reads four weeks before `now` too, so that an early-month estimate has its
 * level window and the range its daily history.
 *
 * An ended, unsettled period is billed as settling it now would, under the back-billing cap that
 * starts at `capStart` (docs/billing.md): straddling it, only its part from the cap (`cappedAt`);
 * ended at or before it, or already held for it, nothing: it is `held` with reason
 * `back_billing_cap` even before a run holds it, since no run will ever invoice it.
 */
export function planBill(
  contractId: string,
  period: BillingPeriod,
  row: PeriodRecord | undefined,
  now: number,
  capStart?: number,
): BillPlan {
  const p: TimeRange =
    row === undefined
      ? { start: period.start, end: period.end }
      : { start: row.start, end: row.end };
  if (row?.status === 'settled') {
    // A settled row without its invoice is a broken ledger, not a bill to recompute.
    if (row.invoiceNumber === null)
      throw new Error(
        `settled period ${contractId}@${new Date(row.start).toISOString()} has no invoice number`,
      );
    return { contractId, period: p, status: 'settled', invoiceNumber: row.invoiceNumber };
  }
  if (p.end <= now || row !== undefined) {
    const billed = capStart === undefined ? p : billableRange(p, capStart);
    if (billed === undefined || (row?.status === 'held' && row.holdReason === BACK_BILLING_CAP))
      return { contractId, period: p, status: 'held', holdReason: BACK_BILLING_CAP };
    const ended = {
      contractId,
      period: p,
      read: billed,
      ...(billed.start > p.start ? { cappedAt: billed.start } : {}),
    };
    return row?.status === 'held'
      ? { ...ended, status: 'held', holdReason: row.holdReason ?? 'held for review' }
      : { ...ended, status: 'provisional' };
  }
  return {
    contractId,
    period: p,
    status: 'estimated',
    // The period so far, and the four weeks of history before the cut (at most a day before now).
    read: { start: Math.min(p.start, now - HISTORY_MS - DAY_MS), end: Math.min(p.end, now) },
  };
}

/**
 * How a planned, unsettled bill takes each meter: the estimate's projection at `now` for an open
 * period, resting on no data finer than the contract's consent (see `consentedUsage`), else
 * measured data only (an ended period's whole-period figures).
 */
export function meterUsageOf(
  ctx: BillingContext,
  plan: BillPlan,
  now: number,
  seasonal?: SeasonalLookup,
): (m: MeterReadings) => MeterUsage {
  if (plan.status === 'estimated')
    return (m) => consentedUsage(m, plan.period, ctx.timezone, now, ctx.consent, seasonal);
  const range = billedRange(plan);
  return (m) => measuredUsage(m, range);
}

/**
 * Last year's windows the seasonal correction of an estimate at `now` compares, resting on no
 * finer data than the consent (see `lastYearWindows`); undefined for a bill that is no estimate.
 */
export function lastYearOf(
  ctx: BillingContext,
  plan: BillPlan,
  now: number,
): LastYearWindows | undefined {
  if (plan.status !== 'estimated') return undefined;
  return lastYearWindows(
    ctx.consent,
    ctx.timezone,
    consentHorizon(ctx.consent, ctx.timezone, now),
    plan.period.start,
    plan.period.end,
  );
}

/**
 * The readings window a planned, unsettled bill reads: `plan.read`, reaching back under `month`
 * consent to the whole local month the estimate's baseline is.
 */
export function readWindowOf(
  ctx: BillingContext,
  plan: BillPlan,
  now: number,
): TimeRange | undefined {
  if (plan.read === undefined || plan.status !== 'estimated' || ctx.consent !== 'month')
    return plan.read;
  const horizon = consentHorizon(ctx.consent, ctx.timezone, now);
  const start = consentBaselineStart(
    ctx.consent,
    ctx.timezone,
    Math.min(horizon, plan.period.start),
  );
  return { start: Math.min(plan.read.start, start), end: plan.read.end };
}

/**
 * Price a planned, unsettled bill from its meters' usage (each meter taken by `meterUsageOf`): from
 * `plan.cappedAt` when the back-billing cap cuts it, whose lines then say so, as an invoice would;
 * an estimate's range falls back to `fleet`'s residuals when the household's history is short.
 */
export function pricedView(
  ctx: BillingContext,
  plan: BillPlan,
  usage: ContractUsage,
  fleet: FleetResiduals,
): BillView {
  const frame = {
    tariff: ctx.tariff,
    tz: ctx.timezone,
    period: plan.period,
    cappedAt: plan.cappedAt,
  };
  const { bill, basis, estimate } =
    plan.status === 'estimated'
      ? estimatedBillOf(frame, usage, fleet)
      : measuredBillOf(frame, usage);
  return {
    contractId: plan.contractId,
    period: plan.period,
    status: plan.status,
    currency: bill.currency,
    lines: bill.lines,
    subtotal: bill.subtotal,
    total: bill.total,
    basis,
    ...(estimate === undefined ? {} : { estimate }),
    ...(plan.holdReason === undefined ? {} : { holdReason: plan.holdReason }),
  };
}

/**
 * A plan whose bill bills nothing: the period is held for the back-billing cap (or would be by the
 * next run), and no run will ever invoice it.
 */
export const billsNothing = (plan: BillPlan): boolean =>
  plan.status === 'held' && plan.holdReason === BACK_BILLING_CAP;

/**
 * The bill of a period that will never be invoiced (`billsNothing`): held `back_billing_cap`, no
 * lines, totals at zero and nothing measured. Its consumption is money that will never be billed,
 * so a measured total here would read as held revenue, in this bill and in the billing summary;
 * the readings are not read at all (erasure may have removed them).
 */
export function unbilledView(ctx: BillingContext, plan: BillPlan): BillView {
  const zero = fixed(new Dec(0), minorDigits(ctx.tariff.currency));
  return {
    contractId: plan.contractId,
    period: plan.period,
    status: 'held',
    currency: ctx.tariff.currency,
    lines: [],
    subtotal: zero,
    total: zero,
    basis: { measuredImportWh: 0, projectedImportWh: 0, asOf: null, method: 'measured' },
    holdReason: BACK_BILLING_CAP,
  };
}

/**
 * The bill of a settled period: its invoice as issued, adjustment lines of earlier periods
 * included.
 */
export function invoiceView(plan: BillPlan, invoice: Invoice): BillView {
  return {
    contractId: plan.contractId,
    period: plan.period,
    status: 'settled',
    currency: invoice.currency,
    lines: invoice.lines,
    subtotal: invoice.subtotal,
    total: invoice.total,
    basis: invoice.basis,
    invoiceNumber: invoice.number,
  };
}

/** Status of a period in the history: `open` for the current one, which has no ledger row. */
export type PeriodHistoryStatus = 'open' | StoredPeriodStatus;

/** One period of a contract's history (docs/design.md §4 `GET /v1/contracts/{id}/periods`). */
export interface PeriodHistoryItem extends BillingPeriod {
  /** The ledger row's id; null for a period not closed yet. */
  readonly id: string | null;
  readonly status: PeriodHistoryStatus;
  readonly holdReason: string | null;
  readonly closedAt: number | null;
  readonly settledAt: number | null;
  readonly invoiceNumber: string | null;
}

/** A stored period as the history needs it. */
export interface HistoryRow extends PeriodRecord {
  readonly id: string;
  readonly closedAt: number;
  readonly settledAt: number | null;
}

/**
 * Merge the calendar periods of a contract with its ledger rows, newest first. An ended period
 * whose row the close job has not written yet is `closed` already (it can no longer change into an
 * estimate), with `closedAt` null to say that no one closed it; the period containing `now` is
 * `open`.
 */
export function periodHistory(
  calendar: readonly BillingPeriod[],
  rows: readonly HistoryRow[],
  now: number,
): PeriodHistoryItem[] {
  const byStart = new Map<number, PeriodHistoryItem>();
  for (const p of calendar) {
    byStart.set(p.start, {
      ...p,
      id: null,
      status: p.end <= now ? 'closed' : 'open',
      holdReason: null,
      closedAt: null,
      settledAt: null,
      invoiceNumber: null,
    });
  }
  // Rows win: a move-out row ends where the move-out did, and rows are the record of what happened.
  for (const r of rows) {
    byStart.set(r.start, {
      start: r.start,
      end: r.end,
      id: r.id,
      status: r.status,
      holdReason: r.holdReason,
      closedAt: r.closedAt,
      settledAt: r.settledAt,
      invoiceNumber: r.invoiceNumber,
    });
  }
  return [...byStart.values()].sort((a, b) => b.start - a.start);
}
