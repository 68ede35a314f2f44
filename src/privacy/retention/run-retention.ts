import { DateTime } from 'luxon';
import { BASELINE_MS } from '../../billing/estimate/projection.js';
import { backBillingCapStart, billableRange } from '../../billing/settlement/back-billing-cap.js';
import { loadBillingContexts } from '../../billing/records/billing-context.js';
import { type Consent, coarser } from '../consent.js';
import { type MeterPeriodWork, reduceMeterPeriods } from './reduce-meter-periods.js';
import type { RetentionDeps, RetentionOptions, RetentionResult } from './retention-deps.js';
import {
  contractPage,
  lateArrivalsOf,
  marksOf,
  type SettledPeriodRow,
  settledPeriodsOf,
} from './retention-records.js';

const PAGE = 200;
const BATCH = 20;
const minusMonths = (t: number, months: number) =>
  DateTime.fromMillis(t, { zone: 'utc' }).minus({ months }).toMillis();

/**
 * Reduce stored readings to what the consent and billing need. Only settled periods are
 * touched (never the open one, a closed or held one, or a forced settlement awaiting its real end
 * reading), and only once they ended `BASELINE_MS` ago, since the open period's estimate reads the
 * 7 days before its latest reading. A settled period of a meter keeps the indexes at:
 * - its edges, and local midnights when the consent is `day` (`month`: the edges only), at
 *   once after a consent is narrowed; with `interval` consent, everything, until the
 *   retention window has passed;
 * - once it ended more than `retentionMonths` ago, local midnights at most, whatever the consent;
 * - while it may be re-priced (`backBillingMonths`), each tariff version and
 *   time-of-use band change, so that a settled invoice re-priced from what is left
 *   matches the issued one to the cent.
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
  // The instant settlement and adjustments compute, so that retention keeps the price changes of
  // exactly the periods an adjustment may still re-price.
  const capStart = backBillingCapStart(now, opts.backBillingMonths);
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
    const work: MeterPeriodWork[] = [];
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
        capStart,
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
      failed += await reduceMeterPeriods(deps, work.slice(i, i + BATCH), byMeter, input.actor);
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

/**
 * The level a settled period is reduced to, or undefined when its consent allows it all to stay.
 * Its price changes keep an index while an adjustment may still bill it: while something of it lies
 * after the back-billing cap start `capStart`.
 */
function targetOf(
  consent: Consent,
  period: SettledPeriodRow,
  windowEnd: number,
  capStart: number,
): Pick<MeterPeriodWork, 'level' | 'keepTariff' | 'kept'> | undefined {
  const level = period.end <= windowEnd ? coarser(consent, 'day') : consent;
  if (level === 'interval') return undefined;
  const keepTariff = billableRange(period, capStart) !== undefined;
  return { level, keepTariff, kept: keepTariff ? `${level}+tariff` : level };
}
