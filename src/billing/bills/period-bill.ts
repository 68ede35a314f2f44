import { DateTime } from 'luxon';
import { ruleFor } from '../../consumption/group-by.js';
import { milliWhToWh } from '../../consumption/milli-wh.js';
import { toRfc3339 } from '../../shared/time.js';
import { estimateRange, type EstimateRange, type RangeSource } from '../estimate/estimate-range.js';
import { priorFleetResiduals, type FleetResiduals } from '../estimate/fleet-residuals.js';
import { LEVEL_DAYS, type ProjectionKind } from '../estimate/recent-projection.js';
import type { Bill, BillLine, TimeRange } from '../pricing/bill.js';
import { priceBill } from '../pricing/price-bill.js';
import { splitByVersion } from '../pricing/tariff-parts.js';
import type { Tariff } from '../tariff-schema.js';
import { contractIndexSource, type IndexSource } from './index-source.js';
import {
  type ContractUsage,
  foldUsages,
  measuredUsage,
  type MeterReadings,
  type MeterUsage,
  projectedUsage,
} from './meter-usage.js';
import { consentedUsage } from './consented-usage.js';

/**
 * How a bill's figures were obtained (docs/design.md §4 `basis`): `measured` (readings only),
 * `household-bootstrap` (an estimate: measured so far plus a projection, its range from a block
 * bootstrap of the household's own daily residuals), `fleet-bootstrap` (the same, the range from
 * the fleet's residuals: the household's history is short, or its consent allows no daily
 * figures), `extrapolated-7d` (a forced settlement whose end index was extrapolated by the 7-day
 * baseline), `none` (an estimate with nothing to project from).
 */
export type BasisMethod =
  'measured' | 'household-bootstrap' | 'fleet-bootstrap' | 'extrapolated-7d' | 'none';

export interface BillBasis {
  /** Import measured over the bill's range (Wh): the period, or its part inside the cap. */
  readonly measuredImportWh: number;
  readonly projectedImportWh: number;
  /** An estimate's projected export (Wh); absent on other bills. */
  readonly projectedExportWh?: number;
  /** How an estimate projected (docs/estimates.md); absent on other bills. */
  readonly projection?: ProjectionKind;
  /**
   * The latest reading the bill uses (RFC 3339), or null with no reading at all; for an estimate
   * below `interval` consent, the last local midnight (`day`) or month start (`month`) its data
   * reaches.
   */
  readonly asOf: string | null;
  readonly method: BasisMethod;
  /**
   * Present when the bill's start or end index rests on a reading a person took: `customer` (a
   * self-read) or `staff` (entered or corrected by staff), per edge.
   */
  readonly indexSource?: IndexSource | undefined;
}

/** A priced bill with what it stands on. */
export interface PeriodBill {
  readonly bill: Bill;
  readonly basis: BillBasis;
  /**
   * What the bill prices: the period, or only its part from the back-billing cap (`cappedAt`) to
   * its end. An invoice covers exactly this range.
   */
  readonly range: TimeRange;
  /**
   * Meters whose end index is unknown (no reading at or after the period end); empty when complete.
   */
  readonly meterIdsWithoutEnd: readonly string[];
  /** An estimate's range, `p50` equal to `bill.total`; absent on other bills. */
  readonly estimate?: EstimateRange;
}

/** What pricing a period needs besides usage: the contract's tariff and zone, and the period. */
export interface BillFrame {
  readonly tariff: Tariff;
  readonly tz: string;
  readonly period: TimeRange;
  /**
   * Where the back-billing cap cuts the period, when it does: consumption and standing charge are
   * priced from there to the period end only, as one more part of the period (docs/design.md §5:
   * tiers count from there), and the lines of the part that starts there say so.
   */
  readonly cappedAt?: number | undefined;
}

/** The range a frame prices: its period, or the part of it from `cappedAt`. */
export function billedRange(f: Pick<BillFrame, 'period' | 'cappedAt'>): TimeRange {
  return f.cappedAt === undefined || f.cappedAt <= f.period.start
    ? { start: f.period.start, end: f.period.end }
    : { start: f.cappedAt, end: f.period.end };
}

/** A period to bill from its meters' readings, all in memory (one bill of a few meters). */
export interface PeriodBillInput extends BillFrame {
  readonly meters: readonly MeterReadings[];
}

function basisOf(usage: ContractUsage, method: BasisMethod): BillBasis {
  let measuredMwh = 0n;
  let projectedMwh = 0n;
  for (const m of usage.meters) {
    measuredMwh += m.measuredMwh;
    projectedMwh += m.projectedMwh;
  }
  const latest = usage.meters.map((u) => u.latestTs).filter((t): t is number => t !== undefined);
  const indexSource = contractIndexSource(usage.meters);
  return {
    measuredImportWh: milliWhToWh(measuredMwh),
    projectedImportWh: milliWhToWh(projectedMwh),
    // With several meters the bill is as recent as its least recent meter.
    asOf: latest.length === 0 ? null : toRfc3339(Math.min(...latest)),
    method,
    ...(indexSource === undefined ? {} : { indexSource }),
  };
}

const withoutEnd = (usage: ContractUsage) =>
  usage.meters.filter((u) => !u.endKnown).map((u) => u.meterId);

/** An instant as the lines read it, in local time: `2025-03-15 13:00`, or `2025-03-15` at midnight. */
function localInstant(t: number, tz: string): string {
  const local = DateTime.fromMillis(t, { zone: tz });
  return local.toFormat(
    local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0
      ? 'yyyy-MM-dd'
      : 'yyyy-MM-dd HH:mm',
  );
}

/**
 * The bill of a frame's range. When the back-billing cap cut the period, the lines of the part that
 * starts at the cap (those of the tariff version in force there; percent taxes span the bill) say
 * why it starts there: a customer must not read it as consumption forgotten.
 */
function priced(f: BillFrame, usage: ContractUsage): Bill {
  const range = billedRange(f);
  const bill = priceBill({ tariff: f.tariff, period: range, tz: f.tz, intervals: usage.intervals });
  if (range.start === f.period.start) return bill;
  const first = splitByVersion(f.tariff, range)[0]?.version.validFrom;
  const note = ` (back-billing cap: from ${localInstant(range.start, f.tz)})`;
  return {
    ...bill,
    lines: bill.lines.map((l) =>
      l.versionFrom !== undefined && l.versionFrom === first
        ? { ...l, description: l.description + note }
        : l,
    ),
  };
}

/** Provisional and settled bills (docs/design.md §5): measured data only, no projection. */
export function measuredBill(input: PeriodBillInput): PeriodBill {
  const range = billedRange(input);
  return measuredBillOf(input, foldUsages(input.meters.map((m) => measuredUsage(m, range))));
}

/** `measuredBill` of usage folded from each meter's `measuredUsage`. */
export function measuredBillOf(f: BillFrame, usage: ContractUsage): PeriodBill {
  return {
    bill: priced(f, usage),
    basis: basisOf(usage, 'measured'),
    range: billedRange(f),
    meterIdsWithoutEnd: withoutEnd(usage),
  };
}

/**
 * The estimate of an open period at `now` under `interval` consent (docs/estimates.md): measured
 * consumption from the period start to each meter's latest reading, plus the projection to the
 * period end, the standing charge for the full period, and the range.
 */
export function estimatedBill(
  input: PeriodBillInput,
  now: number,
  fleet: FleetResiduals = priorFleetResiduals(),
): PeriodBill {
  const range = billedRange(input);
  return estimatedBillOf(
    input,
    foldUsages(input.meters.map((m) => consentedUsage(m, range, input.tz, now, 'interval'))),
    fleet,
  );
}

const METHOD_OF: Record<RangeSource, BasisMethod> = {
  household: 'household-bootstrap',
  fleet: 'fleet-bootstrap',
  none: 'none',
};

/**
 * `estimatedBill` of usage folded from each meter's `consentedUsage` at `now`: the p50 bill, its
 * range, and the basis naming how both were made.
 */
export function estimatedBillOf(
  f: BillFrame,
  usage: ContractUsage,
  fleet: FleetResiduals,
): PeriodBill {
  const { meters } = usage;
  const bill = priced(f, usage);
  // A contract's meters share its consent, hence their projection kind.
  const projection = meters.find((u) => u.method !== 'none')?.method as ProjectionKind | undefined;
  if (projection === undefined) {
    const method = meters.every((u) => u.endKnown) && meters.length > 0 ? 'measured' : 'none';
    return {
      bill,
      basis: basisOf(usage, method),
      range: billedRange(f),
      meterIdsWithoutEnd: withoutEnd(usage),
      estimate: { p10: bill.total, p50: bill.total, p90: bill.total },
    };
  }
  const monthly = projection === 'month-average' || projection === 'month-seasonal';
  const monthRule = ruleFor('month', f.tz);
  const levelDays = monthly
    ? (f.period.start - monthRule.floor(f.period.start - 1)) / 86_400_000
    : LEVEL_DAYS;
  const { range, source } = estimateRange({
    tariff: f.tariff,
    bill,
    intervals: usage.intervals,
    projected: usage.projected,
    history: usage.history,
    levelDays,
    projection,
    fleet,
    price: (intervals) => priceBill({ tariff: f.tariff, period: f.period, tz: f.tz, intervals }),
  });
  const projectedExportMwh = meters.reduce((a, m) => a + m.projectedExportMwh, 0n);
  return {
    bill,
    basis: {
      ...basisOf(usage, METHOD_OF[source]),
      projectedExportWh: milliWhToWh(projectedExportMwh),
      projection,
    },
    range: billedRange(f),
    meterIdsWithoutEnd: withoutEnd(usage),
    estimate: range,
  };
}

const EXTRAPOLATED = ' (end index extrapolated from the 7-day baseline)';

/**
 * Every meter's usage for a forced settlement: the baseline projection where the end index is
 * missing.
 */
export const extrapolatedUsage = (
  m: MeterReadings,
  f: Pick<BillFrame, 'period' | 'tz' | 'cappedAt'>,
) => projectedUsage(m, billedRange(f), f.tz, Number.MAX_SAFE_INTEGER);

/**
 * How settling (or re-pricing) a period takes each meter: measured, then extrapolated when a forced
 * end index may be needed.
 */
export const settlementWays = (
  f: Pick<BillFrame, 'period' | 'tz' | 'cappedAt'>,
  extrapolate: boolean,
): ((m: MeterReadings) => MeterUsage)[] => [
  (m) => measuredUsage(m, billedRange(f)),
  ...(extrapolate ? [(m: MeterReadings) => extrapolatedUsage(m, f)] : []),
];

/**
 * A forced settlement (docs/design.md §5): meters without a reading after the period end get their
 * missing end index extrapolated by the baseline projection, and the energy lines say so.
 */
export function extrapolatedBill(input: PeriodBillInput): PeriodBill {
  return extrapolatedBillOf(
    input,
    foldUsages(input.meters.map((m) => extrapolatedUsage(m, input))),
  );
}

/** `extrapolatedBill` of usage folded from each meter's `extrapolatedUsage`. */
export function extrapolatedBillOf(f: BillFrame, usage: ContractUsage): PeriodBill {
  const extrapolated = usage.meters.some((u) => u.projectedIntervals > 0);
  const bill = priced(f, usage);
  const lines: BillLine[] = bill.lines.map((l) =>
    extrapolated && (l.kind === 'energy' || (l.kind === 'tax' && l.unit === 'kWh'))
      ? { ...l, description: l.description + EXTRAPOLATED }
      : l,
  );
  return {
    bill: { ...bill, lines },
    basis: basisOf(usage, extrapolated ? 'extrapolated-7d' : 'measured'),
    range: billedRange(f),
    meterIdsWithoutEnd: withoutEnd(usage),
  };
}
