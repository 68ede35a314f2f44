// The simulated fleet of bench:estimate (and of its calibration test): each household's estimate
// as it stood at the end of given days of given months, priced by the bill route's own code
// (`estimatesAsOf`) over an in-memory store of its simulated readings, against the bill settled
// for the whole period.
import { DateTime } from 'luxon';
import type { MeterDefinition } from '../simulators/fleet.js';
import { estimatesAsOf } from '../src/billing/accuracy/estimate-as-of.js';
import { measuredBill } from '../src/billing/bills/period-bill.js';
import type { BillingContext } from '../src/billing/records/billing-context.js';
import { tariffSchema } from '../src/billing/tariff-schema.js';
import type { Consent } from '../src/privacy/consent.js';
import { DESIGN_TARIFF } from '../test/support/design-tariff.js';
import {
  DAY_MS,
  meterReadings,
  readingsWindow,
  simulatedFleet,
  TZ,
  type Month,
} from './billing-fleet.js';
import { simulatedStore } from './estimate-store.js';

/** The bench's fleet and questions. */
export interface EstimateFleetOptions {
  readonly households: number;
  readonly seed: number;
  /** When the households' meters were installed: a year before the months gives last year. */
  readonly installedAt: number;
  readonly months: readonly Month[];
  /** Estimates are taken at the end of these local days of each period. */
  readonly days: readonly number[];
  readonly consent: Consent;
}

/** One estimate against its settled bill. */
export interface EstimateSample {
  readonly month: string;
  readonly meterId: string;
  readonly solar: boolean;
  readonly day: number;
  /** (estimate − settled) / |settled|, percent: positive when the estimate was too high. */
  readonly signedPct: number;
  /** estimate − settled, in the currency. */
  readonly eur: number;
  readonly settled: number;
  /** The settled total lies within p10–p90. */
  readonly covered: boolean;
  /** (p90 − p10) / |p50|, percent. */
  readonly widthPct: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly method: string;
  readonly projection: string;
}

const TARIFF = tariffSchema.parse(DESIGN_TARIFF);
/** Readings around a month: the previous month (month consent) or four weeks, and the end. */
const BEFORE_MS = 33 * DAY_MS;

/** The end of local day `d` of `period` (the start of day d + 1). */
export function endOfDay(period: Month, d: number): number {
  return DateTime.fromMillis(period.start, { zone: TZ }).plus({ days: d }).toMillis();
}

const contextOf = (meter: MeterDefinition, o: EstimateFleetOptions): BillingContext => ({
  contractId: meter.meterId,
  customerId: `cus-${meter.meterId}`,
  tariffId: 'bench',
  tariff: TARIFF,
  timezone: TZ,
  consent: o.consent,
  startsAt: o.installedAt,
  endsAt: null,
  meterIds: [meter.meterId],
});

async function sampleMeter(
  meter: MeterDefinition,
  o: EstimateFleetOptions,
): Promise<EstimateSample[]> {
  const out: EstimateSample[] = [];
  const ctx = contextOf(meter, o);
  for (const month of o.months) {
    const readings = meterReadings(meter, month.start - BEFORE_MS, month.end + DAY_MS);
    const store = simulatedStore(meter, readings);
    const period = { start: month.start, end: month.end };
    const settled = measuredBill({
      tariff: TARIFF,
      tz: TZ,
      period,
      meters: [
        { meterId: meter.meterId, readings: readingsWindow(readings, month.start, month.end) },
      ],
    });
    if (settled.meterIdsWithoutEnd.length > 0)
      throw new Error(`${meter.meterId} ${month.label}: no end reading`);
    const s = Number(settled.bill.total);
    for (const day of o.days) {
      const at = endOfDay(month, day);
      const view = (await estimatesAsOf(store, [{ ctx, period }], at)).get(ctx.contractId);
      if (view?.estimate === undefined)
        throw new Error(`${meter.meterId} ${month.label} day ${day}: no estimate`);
      const e = Number(view.total);
      const [p10, p90] = [Number(view.estimate.p10), Number(view.estimate.p90)];
      out.push({
        month: month.label,
        meterId: meter.meterId,
        solar: meter.solar,
        day,
        signedPct: ((e - s) / Math.abs(s)) * 100,
        eur: e - s,
        settled: s,
        covered: s >= p10 && s <= p90,
        widthPct: ((p90 - p10) / Math.abs(e)) * 100,
        p10,
        p50: e,
        p90,
        method: view.basis.method,
        projection: view.basis.projection ?? 'none',
      });
    }
  }
  return out;
}

/**
 * Every household's estimates at every asked day of every month, with their settled bills: one
 * household at a time, so only one household's readings are ever in memory.
 */
export async function sampleEstimates(o: EstimateFleetOptions): Promise<EstimateSample[]> {
  const fleet = simulatedFleet(o.households, o.seed, 'est-', o.installedAt);
  const samples: EstimateSample[] = [];
  for (const meter of fleet) samples.push(...(await sampleMeter(meter, o)));
  return samples;
}

/** Nearest-rank percentile of ascending `xs`. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))]!;
}

/** |signed error| of the samples, ascending. */
export const absErrors = (xs: readonly EstimateSample[]) =>
  xs.map((s) => Math.abs(s.signedPct)).sort((a, b) => a - b);

/** Share of samples whose settled total lay within p10–p90, percent. */
export const coverage = (xs: readonly EstimateSample[]) =>
  (xs.filter((s) => s.covered).length / Math.max(1, xs.length)) * 100;
