import { type AuditEntry, recordAudit } from '../../audit/audit-log.js';
import { readBillMeters } from '../../billing/bills/read-meters.js';
import type { BillingContext } from '../../billing/records/billing-context.js';
import { deleteReadings } from '../../readings/changes/delete-readings.js';
import { neededInstants, removalPlan, type RetentionLevel } from './keep-plan.js';
import { saveMark, type SettledPeriodRow } from './retention-records.js';
import type { RetentionDeps } from './retention-deps.js';

/** One meter's settled period to reduce, and what to reduce it to. */
export interface MeterPeriodWork {
  readonly meterId: string;
  readonly period: SettledPeriodRow;
  readonly ctx: BillingContext;
  readonly level: RetentionLevel;
  readonly keepTariff: boolean;
  readonly kept: string;
}

/** Reduce a batch of meter periods; answers how many failed (left for the next run). */
export async function reduceMeterPeriods(
  deps: RetentionDeps,
  work: readonly MeterPeriodWork[],
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
        billedFrom: w.period.billedFrom,
      });
      const plan = removalPlan(timestamps, instants, { from: w.period.start, to: w.period.end });
      // The whole period goes in the feed, so a run that retries after a lost
      // feed row still writes one.
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
