import type { Bill, PricedInterval } from '../pricing/bill.js';
import { Dec } from '../pricing/decimal.js';
import type { Tariff } from '../tariff-schema.js';
import { ratioOf, type Ratio } from './apportion.js';
import type { DayTotal } from './day-totals.js';
import type { FleetResiduals } from './fleet-residuals.js';
import type { ProjectionKind } from './recent-projection.js';
import { bootstrapRange, dailyResiduals, type Deviation } from './residual-bootstrap.js';

const QUARTERS_PER_DAY = 96;

/**
 * Whole days of its own history a household needs before its range rests on them: two weeks hold
 * both kinds of day several times over; with fewer, the fleet's residuals stand in.
 */
export const MIN_HISTORY_DAYS = 14;

/**
 * Where an estimate's range comes from: `household` (a block bootstrap of the household's own
 * daily residuals), `fleet` (its history is short, or the consent allows no daily figures: the
 * fleet's residuals, scaled to the household's level), `none` (nothing projected: the bill is as
 * certain as its measured part).
 */
export type RangeSource = 'household' | 'fleet' | 'none';

/** The range of an estimated bill: money strings, `p50` the bill's own total. */
export interface EstimateRange {
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}

/** What the range of one estimate is drawn from. */
export interface RangeInput {
  readonly tariff: Tariff;
  /** The p50 bill (its lines and total are the estimate's). */
  readonly bill: Bill;
  /** Measured and projected intervals together, and the projected ones alone. */
  readonly intervals: readonly PricedInterval[];
  readonly projected: readonly PricedInterval[];
  /** Whole days before the cut (empty when the consent allows no daily figures). */
  readonly history: readonly DayTotal[];
  /** Days the projection's level rests on: 14, or the last month's days under `month` consent. */
  readonly levelDays: number;
  /** How the projection was made: the spread factor depends on it. */
  readonly projection: ProjectionKind;
  readonly fleet: FleetResiduals;
  /** Prices the same bill on other intervals (the p10 and p90 scenarios). */
  readonly price: (intervals: readonly PricedInterval[]) => Bill;
}

/**
 * The spread factor applied to the bootstrap's deviations, by projection and days left: calibrated
 * on the simulated fleet of `bench:estimate` so that p10–p90 holds the settled total in about 80 %
 * of bills on day 3, 10, 15 and 25 alike (docs/estimates.md). The bootstrap sees the noise of days
 * and of the level; what it cannot see — the season moving under a long horizon — grows with the
 * days left, hence the slope, steep where no last year corrects for the season.
 */
export function spreadFactor(projection: ProjectionKind, remainingDays: number): number {
  const [atEnd, slope] = SPREAD[projection];
  return atEnd + slope * Math.min(1, remainingDays / 31);
}
const SPREAD: Record<ProjectionKind, readonly [number, number]> = {
  seasonal: [1.15, 0.25],
  'recent-weeks': [1.1, 1.3],
  'month-seasonal': [1.2, 1.1],
  'month-average': [1.2, 2.6],
  none: [1, 0],
};

/**
 * Rough money per kWh of import and of export credit under `tariff` (average energy rate plus
 * per-kWh taxes, times the percent taxes): only ranks the bootstrap's scenarios; the range's
 * figures come from pricing them exactly.
 */
export function moneyWeights(
  tariff: Tariff,
  at: number,
): { importValue: number; exportValue: number } {
  const version =
    [...tariff.versions].reverse().find((v) => Date.parse(v.validFrom) <= at) ??
    tariff.versions[0]!;
  const e = version.energy;
  const rates =
    e.type === 'flat'
      ? [e.rate]
      : e.type === 'tou'
        ? Object.values(e.bands)
        : e.tiers.map((t) => t.rate);
  const energy = rates.reduce((a, r) => a + Number(r), 0) / Math.max(1, rates.length);
  let perKwh = 0;
  let percent = 0;
  for (const t of version.taxes) {
    if ('perKwh' in t) perKwh += Number(t.perKwh);
    else percent += Number(t.percent);
  }
  const gross = 1 + percent / 100;
  return {
    importValue: (energy + perKwh) * gross,
    exportValue: Number(version.exportRate ?? '0') * gross,
  };
}

const kwhOf = (mwh: bigint) => Number(mwh) / 1_000_000;

/** Projected import and export, kWh. */
function projectedKwh(projected: readonly PricedInterval[]): { imp: number; exp: number } {
  let imp = 0n;
  let exp = 0n;
  for (const i of projected) {
    imp += i.importMwh;
    exp += i.exportMwh ?? 0n;
  }
  return { imp: kwhOf(imp), exp: kwhOf(exp) };
}

/** `v × r`, rounded half up: a scenario's energy needs no exact apportioning, only its pricing. */
const scaled = (v: bigint, r: Ratio) => (v * r.num + r.den / 2n) / r.den;

/**
 * The intervals with the projected ones moved by `d` (each register scaled, never below zero).
 * Both lists are ascending, so one pass merges them.
 */
function scenario(
  intervals: readonly PricedInterval[],
  projected: readonly PricedInterval[],
  totals: { imp: number; exp: number },
  d: Deviation,
): PricedInterval[] {
  const ri = ratioOf(totals.imp > 0 ? Math.max(0, 1 + d.importKwh / totals.imp) : 1);
  const re = ratioOf(totals.exp > 0 ? Math.max(0, 1 + d.exportKwh / totals.exp) : 1);
  const out: PricedInterval[] = new Array<PricedInterval>(intervals.length);
  let k = 0;
  intervals.forEach((i, n) => {
    while (k < projected.length && projected[k]!.start < i.start) k++;
    const p = projected[k];
    if (p === undefined || p.start !== i.start) {
      out[n] = i;
      return;
    }
    const pe = p.exportMwh ?? 0n;
    out[n] = {
      start: i.start,
      importMwh: i.importMwh - p.importMwh + scaled(p.importMwh, ri),
      exportMwh: i.exportMwh === null ? null : i.exportMwh - pe + scaled(pe, re),
    };
  });
  return out;
}

/**
 * The range of an estimated bill (docs/estimates.md): the projection's error is simulated by a
 * block bootstrap of daily residuals — the household's own when it has at least two weeks of whole
 * days, else the fleet's, scaled to the household's projected daily import and export — widened by
 * the calibrated spread factor; the 10th and 90th percentile scenarios move the projected import
 * and export and are priced exactly like the bill itself. So p10 and p90 are real bills of the
 * same tariff, lines and taxes included, and `p10 <= p50 <= p90` with p50 the bill's total.
 */
export function estimateRange(input: RangeInput): { range: EstimateRange; source: RangeSource } {
  const p50 = input.bill.total;
  const quarters = input.projected.length;
  if (quarters === 0) return { range: { p10: p50, p50, p90: p50 }, source: 'none' };
  const remainingDays = quarters / QUARTERS_PER_DAY;
  const own = input.history.length >= MIN_HISTORY_DAYS;
  const totals = projectedKwh(input.projected);
  const importLevel = totals.imp / remainingDays;
  const exportLevel = totals.exp / remainingDays;
  const residuals = own
    ? dailyResiduals(input.history)
    : input.fleet.residuals.map((r) => ({
        importKwh: r.importKwh * importLevel,
        exportKwh: r.exportKwh * exportLevel,
      }));
  const start = input.projected[0]!.start;
  const weights = moneyWeights(input.tariff, start);
  const { low, high } = bootstrapRange({
    residuals,
    levelDays: input.levelDays,
    remainingDays,
    ...weights,
  });
  const k = spreadFactor(input.projection, remainingDays);
  const widen = (d: Deviation) => ({ importKwh: k * d.importKwh, exportKwh: k * d.exportKwh });
  const total = (d: Deviation) =>
    input.price(scenario(input.intervals, input.projected, totals, widen(d))).total;
  const cmp = (a: string, b: string) => new Dec(a).cmp(new Dec(b));
  const [p10, p90] = [total(low), total(high)].sort(cmp) as [string, string];
  return {
    range: {
      p10: cmp(p10, p50) > 0 ? p50 : p10,
      p50,
      p90: cmp(p90, p50) < 0 ? p50 : p90,
    },
    source: own ? 'household' : 'fleet',
  };
}
