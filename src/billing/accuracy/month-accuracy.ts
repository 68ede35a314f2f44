import { DateTime } from 'luxon';
import type { Consent } from '../../privacy/consent.js';
import { consentHistory } from '../../privacy/consent-repo.js';
import { toIso } from '../../shared/time.js';
import type { BillViewDeps } from '../bill-view.js';
import type { FleetResiduals } from '../estimate/fleet-residuals.js';
import { Dec, fixed, minorDigits } from '../pricing/decimal.js';
import { loadBillingContexts, type BillingContext } from '../records/billing-context.js';
import { invoicesByNumbers } from '../records/invoices-repo.js';
import { inLocalMonth, revenueMonth } from '../revenue/revenue-month.js';
import {
  ACCURACY_DAYS,
  stageAccuracy,
  type Accuracy,
  type StagedEstimate,
} from './accuracy-stats.js';
import { estimatesAsOf } from './estimate-as-of.js';

/** `GET /v1/billing/accuracy`: how good the month's estimates were, stage by stage. */
export interface MonthAccuracy extends Accuracy {
  readonly month: string;
  /** The same, for contracts that exported during the period (solar) and those that did not. */
  readonly segments: { readonly solar: Accuracy; readonly nonSolar: Accuracy };
}

/** A settled period of the month, with what its estimates are compared to. */
interface SettledPeriod {
  readonly ctx: BillingContext;
  readonly period: { readonly start: number; readonly end: number };
  /** The period's own bill: its invoice less the adjustments of earlier periods riding on it. */
  readonly settled: string;
  /** The invoice credits export: a solar home. */
  readonly solar: boolean;
}

/** The settled periods of `month` (starting in that local month of their contract's zone). */
async function settledPeriods(deps: BillViewDeps, month: string): Promise<SettledPeriod[]> {
  const m = revenueMonth(month);
  const rows = await deps.db
    .selectFrom('billing_periods')
    .select(['contract_id', 'start_at', 'end_at', 'invoice_number'])
    .where('status', '=', 'settled')
    .where('start_at', '>=', toIso(m.from))
    .where('start_at', '<', toIso(m.to))
    .execute();
  const contexts = await loadBillingContexts(deps.db, [...new Set(rows.map((r) => r.contract_id))]);
  const invoices = new Map(
    (
      await invoicesByNumbers(
        deps.db,
        rows.flatMap((r) => r.invoice_number ?? []),
      )
    ).map((i) => [i.number, i]),
  );
  const inMonth = inLocalMonth(m);
  return rows.flatMap((r) => {
    const ctx = contexts.get(r.contract_id);
    const invoice = invoices.get(r.invoice_number ?? '');
    const start = Date.parse(r.start_at);
    if (ctx === undefined || invoice === undefined || !inMonth(start, ctx.timezone)) return [];
    const own = invoice.lines.filter((l) => l.kind !== 'adjustment');
    const total = own.reduce((a, l) => a.plus(l.amount), new Dec(0));
    return [
      {
        ctx,
        period: { start, end: Date.parse(r.end_at) },
        settled: fixed(total, minorDigits(invoice.currency)),
        solar: own.some((l) => l.kind === 'export_credit'),
      },
    ];
  });
}

/** The consent of each contract at an instant, from the audit trail of consent changes. */
async function consentsAt(
  deps: BillViewDeps,
  periods: readonly SettledPeriod[],
): Promise<(ctx: BillingContext, at: number) => Consent> {
  const history = await consentHistory(
    deps.db,
    periods.map((p) => p.ctx.contractId),
  );
  return (ctx, at) => {
    const mine = history.filter((h) => h.contractId === ctx.contractId);
    const before = mine.filter((h) => Date.parse(h.at) <= at).at(-1);
    if (before !== undefined) return before.to;
    // No change by then: the consent is what the first later change changed from.
    return mine[0]?.from ?? ctx.consent;
  };
}

/**
 * The accuracy of `month`'s estimates (docs/estimates.md): for every settled period starting in
 * that local month, the estimate as it stood at the end of day 3, 10, 15 and 25 of the period —
 * recomputed by the bill route's code from the readings received by then, under the consent in
 * force then — against the period's settled total, overall and for solar and other homes. The
 * same question gives the same answer later, whatever readings arrived since. Estimates of one
 * stage and zone are priced together, one batched store read each.
 *
 * @throws AppError `validation_failed` for a month not written YYYY-MM; `store_unavailable` when
 *   the store fails.
 */
export async function monthAccuracy(
  deps: BillViewDeps,
  month: string,
  fleet?: FleetResiduals,
): Promise<MonthAccuracy> {
  const periods = await settledPeriods(deps, month);
  const consentAt = await consentsAt(deps, periods);
  const staged: StagedEstimate[] = [];
  for (const day of ACCURACY_DAYS) {
    const byInstant = new Map<number, SettledPeriod[]>();
    for (const p of periods) {
      const at = DateTime.fromMillis(p.period.start, { zone: p.ctx.timezone })
        .plus({ days: day })
        .toMillis();
      if (at >= p.period.end) continue;
      byInstant.set(at, [...(byInstant.get(at) ?? []), p]);
    }
    for (const [at, group] of byInstant) {
      const views = await estimatesAsOf(
        deps.store,
        group.map((p) => ({ ctx: { ...p.ctx, consent: consentAt(p.ctx, at) }, period: p.period })),
        at,
        fleet,
      );
      for (const p of group) {
        const v = views.get(p.ctx.contractId);
        if (v?.estimate === undefined) continue;
        staged.push({ day, solar: p.solar, settled: p.settled, ...v.estimate });
      }
    }
  }
  const solar = periods.filter((p) => p.solar).length;
  return {
    month,
    ...stageAccuracy(periods.length, staged),
    segments: {
      solar: stageAccuracy(
        solar,
        staged.filter((s) => s.solar),
      ),
      nonSolar: stageAccuracy(
        periods.length - solar,
        staged.filter((s) => !s.solar),
      ),
    },
  };
}
