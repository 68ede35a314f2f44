import { milliWhToWh } from '../../consumption/milli-wh.js';
import { toRfc3339 } from '../../shared/time.js';
import type { Bill, BillLine, TimeRange } from '../pricing/bill.js';
import { priceBill } from '../pricing/price-bill.js';
import type { Tariff } from '../tariff-schema.js';
import { combineIntervals, measuredUsage, type MeterReadings, type MeterUsage, projectedUsage, usageTotals } from './meter-usage.js';

/**
 * How a bill's energy was obtained (DESIGN §4 `basis`): `measured` (readings only), `baseline-7d`
 * (measured so far plus the 7-day baseline projection), `extrapolated-7d` (a forced settlement whose
 * end index was extrapolated by the baseline), `none` (an estimate with no baseline: nothing projected).
 */
export type BasisMethod = 'measured' | 'baseline-7d' | 'extrapolated-7d' | 'none';

export interface BillBasis {
  readonly measuredImportWh: number;
  readonly projectedImportWh: number;
  /** The latest reading the bill uses (RFC 3339), or null with no reading at all. */
  readonly asOf: string | null;
  readonly method: BasisMethod;
}

/** A priced bill with what it stands on. */
export interface PeriodBill {
  readonly bill: Bill;
  readonly basis: BillBasis;
  /** Meters whose end index is unknown (no reading at or after the period end); empty when complete. */
  readonly meterIdsWithoutEnd: readonly string[];
}

/** What billing a period needs: the contract's tariff and zone, the period, each meter's readings. */
export interface PeriodBillInput {
  readonly tariff: Tariff;
  readonly tz: string;
  readonly period: TimeRange;
  readonly meters: readonly MeterReadings[];
}

function basisOf(usages: readonly MeterUsage[], method: BasisMethod): BillBasis {
  const { measuredMwh, projectedMwh } = usageTotals(usages);
  const latest = usages.map((u) => u.latestTs).filter((t): t is number => t !== undefined);
  return {
    measuredImportWh: milliWhToWh(measuredMwh),
    projectedImportWh: milliWhToWh(projectedMwh),
    // With several meters the bill is as recent as its least recent meter.
    asOf: latest.length === 0 ? null : toRfc3339(Math.min(...latest)),
    method,
  };
}

/** Provisional and settled bills (DESIGN §5): measured data only, no projection. */
export function measuredBill(input: PeriodBillInput): PeriodBill {
  const usages = input.meters.map((m) => measuredUsage(m, input.period));
  const bill = priceBill({ tariff: input.tariff, period: input.period, tz: input.tz, intervals: combineIntervals(usages) });
  return { bill, basis: basisOf(usages, 'measured'), meterIdsWithoutEnd: usages.filter((u) => !u.endKnown).map((u) => u.meterId) };
}

/**
 * The estimate of an open period at `now` (DESIGN §5): measured consumption from the period start to
 * each meter's latest reading, plus the baseline projection to the period end; the standing charge
 * for the full period.
 */
export function estimatedBill(input: PeriodBillInput, now: number): PeriodBill {
  const usages = input.meters.map((m) => projectedUsage(m, input.period, input.tz, now));
  const bill = priceBill({ tariff: input.tariff, period: input.period, tz: input.tz, intervals: combineIntervals(usages) });
  const method = usages.some((u) => u.method === 'baseline-7d') ? 'baseline-7d' : usages.every((u) => u.endKnown) && usages.length > 0 ? 'measured' : 'none';
  return { bill, basis: basisOf(usages, method), meterIdsWithoutEnd: usages.filter((u) => !u.endKnown).map((u) => u.meterId) };
}

const EXTRAPOLATED = ' (end index extrapolated from the 7-day baseline)';

/**
 * A forced settlement (DESIGN §5): meters without a reading after the period end get their missing end
 * index extrapolated by the baseline projection, and the energy lines say so.
 */
export function extrapolatedBill(input: PeriodBillInput): PeriodBill {
  const usages = input.meters.map((m) => projectedUsage(m, input.period, input.tz, Number.MAX_SAFE_INTEGER));
  const extrapolated = usages.some((u) => u.projected.length > 0);
  const bill = priceBill({ tariff: input.tariff, period: input.period, tz: input.tz, intervals: combineIntervals(usages) });
  const lines: BillLine[] = bill.lines.map((l) =>
    extrapolated && (l.kind === 'energy' || (l.kind === 'tax' && l.unit === 'kWh')) ? { ...l, description: l.description + EXTRAPOLATED } : l);
  return {
    bill: { ...bill, lines },
    basis: basisOf(usages, extrapolated ? 'extrapolated-7d' : 'measured'),
    meterIdsWithoutEnd: usages.filter((u) => !u.endKnown).map((u) => u.meterId),
  };
}
