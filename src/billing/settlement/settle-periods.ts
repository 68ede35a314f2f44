import { recordAudit } from '../../audit/audit-log.js';
import { BASELINE_MS } from '../estimate/projection.js';
import { settlementWays } from '../bills/period-bill.js';
import { type FoldedBill, foldBills } from '../bills/fold-bills.js';
import { loadBillingContexts, type BillingContext } from '../records/billing-context.js';
import { periodsDue, type StoredPeriod } from '../records/periods-repo.js';
import { claimPeriod, LEASE_MS, releaseClaim } from '../records/period-leases.js';
import { holdPeriod } from '../records/period-transitions.js';
import { backBillingCapStart, billableRange, capCut } from './back-billing-cap.js';
import type { BillingDeps, BillingOptions } from './billing-deps.js';
import { holdBeyondCap } from './hold-beyond-cap.js';
import { issuePeriodInvoice } from './issue-invoice.js';
import { decide } from './settle-decision.js';

/**
 * Periods priced per chunk; one period per contract per chunk keeps invoices in period
 * order. A chunk holds each period's quarter-hour sums (whatever its number of meters), and
 * only the store calls in flight hold readings: the chunks read ahead stay well inside the
 * 128 MB heap `npm start` runs with. 25, as bills are priced (`priceBills`): three chunks of 50
 * in memory kept that heap near its limit, and its collections took a third of the run.
 */
const CHUNK = 25;
/** Chunks read ahead of the one being written. */
const AHEAD = 2;

/** Due periods in chunks holding at most one period per contract, oldest end first. */
function chunks(due: readonly StoredPeriod[]): StoredPeriod[][] {
  const out: { periods: StoredPeriod[]; contracts: Set<string> }[] = [];
  for (const p of due) {
    let c = out.find((x) => x.periods.length < CHUNK && !x.contracts.has(p.contractId));
    if (c === undefined) out.push((c = { periods: [], contracts: new Set() }));
    c.periods.push(p);
    c.contracts.add(p.contractId);
  }
  return out.map((c) => c.periods);
}

interface Prepared {
  readonly periods: readonly StoredPeriod[];
  readonly contexts: Map<string, BillingContext>;
  readonly usages: Map<string, FoldedBill>;
  readonly error?: unknown;
}

/** Counts of one settle pass. */
export interface SettleCounts {
  settled: number;
  /** Held for a reason staff can act on; a period beyond the back-billing cap is `notBilled`. */
  held: number;
  failed: number;
  /** Periods this pass held for good because they ended at or before the back-billing cap. */
  notBilled: number;
}

/**
 * Settle every period due at `now` (closed or held, ended at least the grace window ago): price it
 * from measured readings and issue its invoice in one transaction, or hold it. The back-billing cap
 * comes first: a period that ended at or before it is held for good and never read, and one that
 * straddles it is priced from the cap only. Reading the store for the next chunk overlaps pricing
 * and writing the current one. A period another runner holds a lease on is skipped; one another
 * runner settled first is refused by the settling transaction itself.
 */
export async function settleDuePeriods(
  deps: BillingDeps,
  opts: BillingOptions,
  input: { actor: string; contractId?: string | undefined; force?: boolean | undefined },
): Promise<SettleCounts> {
  const now = deps.clock.now();
  const due = await periodsDue(deps.db, {
    now,
    graceMs: opts.graceMs,
    contractId: input.contractId,
    limit: 1_000_000,
  });
  const counts: SettleCounts = { settled: 0, held: 0, failed: 0, notBilled: 0 };
  const force = input.force === true;
  const capStart = backBillingCapStart(now, opts.backBillingMonths);

  async function prepare(periods: readonly StoredPeriod[]): Promise<Prepared> {
    const mine: StoredPeriod[] = [];
    try {
      for (const p of periods)
        if (await claimPeriod(deps.db, p.id, opts.runnerId, now, LEASE_MS)) mine.push(p);
      const contexts = await loadBillingContexts(
        deps.db,
        mine.map((p) => p.contractId),
      );
      // Each meter is summed into its period as it arrives: a contract of a thousand meters never
      // has its month of readings in memory at once.
      const requests = mine.map((p) => {
        const ctx = contexts.get(p.contractId);
        const cappedAt = capCut(p, capStart);
        const frame = {
          tz: ctx?.timezone ?? 'UTC',
          period: { start: p.start, end: p.end },
          cappedAt,
        };
        const from = cappedAt ?? p.start;
        return {
          key: p.id,
          meterIds: ctx?.meterIds ?? [],
          // A baseline is needed only to extrapolate a missing end index.
          from: p.status === 'held' || force ? from - BASELINE_MS : from,
          to: p.end,
          ways: settlementWays(frame, force),
        };
      });
      const usages = await foldBills(deps.store, requests);
      return { periods: mine, contexts, usages };
    } catch (error) {
      return { periods: mine, contexts: new Map(), usages: new Map(), error };
    }
  }

  async function commit(prep: Prepared): Promise<void> {
    for (const p of prep.periods) {
      try {
        if (prep.error !== undefined) throw prep.error;
        const ctx = prep.contexts.get(p.contractId);
        if (ctx === undefined)
          throw new Error(`contract ${p.contractId} of period ${p.id} is missing`);
        const d = decide(ctx, p, prep.usages.get(p.id), force, capCut(p, capStart));
        if (d.kind === 'hold') {
          if (await holdPeriod(deps.db, p, d.reason, now)) {
            await recordAudit(deps.db, now, [
              {
                actor: input.actor,
                action: 'hold',
                contractId: p.contractId,
                periodId: p.id,
                detail: { reason: d.reason },
              },
            ]);
          }
          await releaseClaim(deps.db, p.id, opts.runnerId);
          counts.held += 1;
          continue;
        }
        const invoice = await issuePeriodInvoice(deps, {
          ctx,
          period: p,
          bill: d.bill,
          forced: d.forced,
          actor: input.actor,
          now,
        });
        if (invoice !== undefined) counts.settled += 1;
      } catch (err) {
        counts.failed += 1;
        deps.log.warn(
          { err, periodId: p.id, contractId: p.contractId },
          'settling a period failed; the next run retries it',
        );
        await releaseClaim(deps.db, p.id, opts.runnerId).catch(() => undefined);
      }
    }
  }

  for (const period of due) {
    if (billableRange(period, capStart) !== undefined) continue;
    try {
      if (await holdBeyondCap(deps, opts, { period, capStart, actor: input.actor, now }))
        counts.notBilled += 1;
    } catch (err) {
      counts.failed += 1;
      deps.log.warn(
        { err, periodId: period.id, contractId: period.contractId },
        'holding a period beyond the back-billing cap failed; the next run retries it',
      );
    }
  }

  // Reads run ahead of pricing and writing by AHEAD chunks, so the store is never idle while
  // the ledger works; chunks still commit in order (one period per contract per chunk keeps
  // invoices in period order).
  const list = chunks(due.filter((p) => billableRange(p, capStart) !== undefined));
  const inFlight: (Promise<Prepared> | undefined)[] = list.slice(0, AHEAD).map(prepare);
  for (let i = 0; i < list.length; i += 1) {
    const current = await inFlight[i];
    if (current === undefined) continue;
    if (deps.signal?.aborted === true) {
      // Stopping: the chunks read but not written give their claims back to the next run.
      for (const pending of inFlight.slice(i)) {
        const prep = await pending;
        for (const p of prep?.periods ?? [])
          await releaseClaim(deps.db, p.id, opts.runnerId).catch(() => undefined);
      }
      break;
    }
    const ahead = list[i + AHEAD];
    if (ahead !== undefined) inFlight.push(prepare(ahead));
    await commit(current);
    inFlight[i] = undefined; // let the chunk's readings go
  }
  return counts;
}
