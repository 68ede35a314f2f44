import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { type AuditEntry, recordAudit } from '../../audit/audit-log.js';
import { readBillMeters } from '../../billing/bills/read-meters.js';
import { BASELINE_MS } from '../../billing/estimate/projection.js';
import { type BillingContext, loadBillingContexts } from '../../billing/records/billing-context.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type Consent, coarser } from '../consent.js';
import { neededInstants, removalPlan, type RetentionLevel } from './keep-plan.js';
import { deleteReadings } from '../../readings/changes/delete-readings.js';
import {
  contractPage,
  lateArrivalsOf,
  marksOf,
  saveMark,
  type SettledPeriodRow,
  settledPeriodsOf,
} from './retention-records.js';

/** What the retention job uses. */
export interface RetentionDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows' | 'deleteRanges'>;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Settings (config `RETENTION_MONTHS`, `BACK_BILLING_MONTHS`). */
export interface RetentionOptions {
  /** Interval data of periods that ended longer ago than this is reduced to days at most (default 12). */
  readonly retentionMonths: number;
  /** Periods that ended within this may still be re-priced, so their tariff's price changes keep an index. */
  readonly backBillingMonths: number;
}

/** What one run removed (docs/design.md §7: jobs return counts). */
export interface RetentionResult {
  /** Meters that lost readings in this run. */
  readonly meters: number;
  /** Readings removed in all. */
  readonly removed: number;
  /** Meter periods left for the next run because the store or ledger failed. */
  readonly failed: number;
  /** Readings removed per meter (only meters with removals). */
  readonly byMeter: Readonly<Record<string, number>>;
}

interface Work {
  readonly meterId: string;
  readonly period: SettledPeriodRow;
  readonly ctx: BillingContext;
  readonly level: RetentionLevel;
  readonly keepTariff: boolean;
  readonly kept: string;
}

const PAGE = 200;
const BATCH = 20;
const minusMonths = (t: number, months: number) =>
  DateTime.fromMillis(t, { zone: 'utc' }).minus({ months }).toMillis();

/**
 * Reduce stored readings to what the consent and billing need. Only settled periods are
 * touched (never the open one, a closed or held one, or a forced settlement awaiting its real end
 * reading), and only once they ended `BASELINE_MS` ago, since the open period's estimate reads the
 * 7 days before its latest reading. A settled period of a meter keeps the indexes at:
 * - its edges, and local midnights when the consent is `day` (`month`: the edges only), at once after
 *   a consent is narrowed; with `interval` consent, everything, until the retention window has passed;
 * - once it ended more than `retentionMonths` ago, local midnights at most, whatever the consent;
 * - while it may be re-priced (`backBillingMonths`), each tariff version and time-of-use band change,
 *   so that a settled invoice re-priced from what is left matches the issued one to the cent.
 * "Keeping an index" keeps the reading there, or the nearest readings around it. Idempotent: a mark
 * per meter and period says what it was reduced to, and a run redoes it only when that target
 * changed or late readings landed in it since. Safe to run from several instances (deletes of the
 * same readings are harmless).
 */
export async function runRetention(
  deps: RetentionDeps,
  opts: RetentionOptions,
  input: { actor: string },
): Promise<RetentionResult> {
  const started = performance.now();
  const now = deps.clock.now();
  const windowEnd = minusMonths(now, opts.retentionMonths);
  const billingStart = minusMonths(now, opts.backBillingMonths);
  const byMeter: Record<string, number> = {};
  let failed = 0;
  for (let after = ''; ;) {
    const page = await contractPage(deps.db, after, PAGE);
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.id;
    const consents = new Map(page.map((c) => [c.id, c.consent]));
    const contexts = await loadBillingContexts(
      deps.db,
      page.map((c) => c.id),
    );
    const work: Work[] = [];
    const periods = await settledPeriodsOf(
      deps.db,
      page.map((c) => c.id),
      now - BASELINE_MS,
    );
    const meterIds = [...contexts.values()].flatMap((c) => c.meterIds);
    const markOf = await marksOf(deps.db, meterIds);
    const lateSince = await lateArrivalsOf(deps.db, meterIds);
    for (const period of periods) {
      const ctx = contexts.get(period.contractId);
      if (ctx === undefined) continue;
      const target = targetOf(
        consents.get(period.contractId) ?? 'month',
        period,
        windowEnd,
        billingStart,
      );
      if (target === undefined) continue;
      for (const meterId of ctx.meterIds) {
        const mark = markOf(meterId, period.id);
        if (
          mark?.kept === target.kept &&
          !lateSince(meterId, period.start, period.end, mark.doneAt)
        )
          continue;
        work.push({ meterId, period, ctx, ...target });
      }
    }
    for (let i = 0; i < work.length; i += BATCH)
      failed += await reduce(deps, work.slice(i, i + BATCH), byMeter, input.actor);
  }
  const removed = Object.values(byMeter).reduce((a, n) => a + n, 0);
  const result: RetentionResult = { meters: Object.keys(byMeter).length, removed, failed, byMeter };
  deps.log.info(
    {
      meters: result.meters,
      removed,
      failed,
      byMeter,
      actor: input.actor,
      ms: Math.round(performance.now() - started),
    },
    'retention run',
  );
  return result;
}

/** The level a settled period is reduced to, or undefined when its consent allows it all to stay. */
function targetOf(
  consent: Consent,
  period: SettledPeriodRow,
  windowEnd: number,
  billingStart: number,
): Pick<Work, 'level' | 'keepTariff' | 'kept'> | undefined {
  const level = period.end <= windowEnd ? coarser(consent, 'day') : consent;
  if (level === 'interval') return undefined;
  const keepTariff = period.end > billingStart;
  return { level, keepTariff, kept: keepTariff ? `${level}+tariff` : level };
}

/** Reduce a batch of meter periods; answers how many failed (left for the next run). */
async function reduce(
  deps: RetentionDeps,
  work: readonly Work[],
  byMeter: Record<string, number>,
  actor: string,
): Promise<number> {
  const now = deps.clock.now();
  const audit = new Map<string, { removed: Record<string, number>; periods: string[] }>();
  let failed = 0;
  let readings;
  try {
    readings = await readBillMeters(
      deps.store,
      work.map((w, i) => ({
        key: String(i),
        meterIds: [w.meterId],
        from: w.period.start,
        to: w.period.end,
      })),
    );
  } catch (err) {
    deps.log.warn(
      { err, meterPeriods: work.length },
      'retention could not read the store; the next run retries',
    );
    return work.length;
  }
  for (const [i, w] of work.entries()) {
    try {
      const timestamps = [
        ...new Set((readings.get(String(i))?.[0]?.readings ?? []).map((r) => r.ts)),
      ].sort((a, b) => a - b);
      const instants = neededInstants({
        period: w.period,
        tz: w.ctx.timezone,
        level: w.level,
        tariff: w.keepTariff ? w.ctx.tariff : undefined,
      });
      const plan = removalPlan(timestamps, instants, { from: w.period.start, to: w.period.end });
      // The whole period goes in the feed, so a run that retries after a lost feed row still writes one.
      const removed = await deleteReadings(deps, w.meterId, plan.ranges, {
        from: w.period.start,
        to: w.period.end,
      });
      await saveMark(deps.db, w.meterId, w.period.id, w.kept, now);
      if (removed === 0) continue;
      byMeter[w.meterId] = (byMeter[w.meterId] ?? 0) + removed;
      const entry = audit.get(w.ctx.contractId) ?? { removed: {}, periods: [] };
      entry.removed[w.meterId] = (entry.removed[w.meterId] ?? 0) + removed;
      entry.periods.push(w.period.id);
      audit.set(w.ctx.contractId, entry);
      deps.log.debug(
        { meterId: w.meterId, periodId: w.period.id, kept: w.kept, removed },
        'retention reduced a period',
      );
    } catch (err) {
      failed += 1;
      deps.log.warn(
        { err, meterId: w.meterId, periodId: w.period.id },
        'retention failed for a period; the next run retries',
      );
    }
  }
  const entries: AuditEntry[] = [...audit].map(([contractId, d]) => ({
    actor,
    action: 'retention',
    contractId,
    detail: { removed: d.removed, periods: d.periods },
  }));
  if (entries.length > 0) await recordAudit(deps.db, now, entries);
  return failed;
}
