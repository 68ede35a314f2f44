import { pendingLateReadings } from '../records/pending-late-readings.js';
import {
  extrapolatedPeriods,
  settledPeriodsBetween,
  type StoredPeriod,
} from '../records/periods-repo.js';
import type { BillingDeps } from './billing-deps.js';

const DAY_MS = 86_400_000;
/**
 * A late reading can move the interpolated index of the periods next to it: look this far around
 * it.
 */
const NEIGHBOUR_MS = 32 * DAY_MS;

/** A settled period to recompute, and why (the reason its adjustment records). */
export interface AdjustmentCandidate {
  readonly period: StoredPeriod;
  readonly why: 'late readings' | 'end index measured after a forced settlement';
}

/**
 * Settled periods that late readings (or a forced, extrapolated settlement) may have changed, by
 * period id, and how far settlement's cursor in the change feed moves once they are recomputed.
 * Reads at most 10,000 pending late readings and moves nothing: the caller advances the cursor to
 * `upTo` in the transaction of its adjustments. A contract with late readings contributes its
 * settled periods overlapping the span of those readings widened by NEIGHBOUR_MS on each side
 * (meters without a contract are skipped); up to 1,000 periods whose extrapolated end index awaits
 * a reading follow, keeping the reason `late readings` when those named them already.
 */
export async function adjustmentCandidates(
  deps: BillingDeps,
): Promise<{ found: Map<string, AdjustmentCandidate>; upTo: number }> {
  const out = new Map<string, AdjustmentCandidate>();
  const { changes: late, upTo } = await pendingLateReadings(deps.db, 10_000);
  const meterIds = [...new Set(late.map((l) => l.meterId))];
  const contractOf = new Map<string, string>();
  for (let i = 0; i < meterIds.length; i += 500) {
    const rows = await deps.db
      .selectFrom('meters')
      .select(['id', 'contract_id'])
      .where('id', 'in', meterIds.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.contract_id !== null) contractOf.set(r.id, r.contract_id);
  }
  const spans = new Map<string, { from: number; to: number }>();
  for (const l of late) {
    const c = contractOf.get(l.meterId);
    if (c === undefined) continue;
    const s = spans.get(c);
    spans.set(
      c,
      s === undefined
        ? { from: l.from, to: l.to }
        : { from: Math.min(s.from, l.from), to: Math.max(s.to, l.to) },
    );
  }
  for (const [contractId, s] of spans) {
    for (const period of await settledPeriodsBetween(
      deps.db,
      contractId,
      s.from - NEIGHBOUR_MS,
      s.to + NEIGHBOUR_MS,
    ))
      out.set(period.id, { period, why: 'late readings' });
  }
  for (const period of await extrapolatedPeriods(deps.db, 1000)) {
    if (!out.has(period.id))
      out.set(period.id, { period, why: 'end index measured after a forced settlement' });
  }
  return { found: out, upTo };
}
