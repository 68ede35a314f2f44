import { QUARTER_MS } from '../../consumption/edge-rule.js';
import type { PricedInterval, TimeRange } from './bill.js';
import { PricingInputError } from './errors.js';
import { localClock } from './local-clock.js';
import type { TariffPart } from './tariff-parts.js';
import { touBandOf } from './tou-bands.js';

/** The exact consumption of one tariff part, summed from its intervals. */
export interface PartUsage {
  readonly importMwh: bigint;
  /**
   * Intervals with an unknown export register add nothing: no credit for export nobody measured.
   */
  readonly exportMwh: bigint;
  /**
   * Import per time-of-use band, in the order the version lists its bands; empty for other energy
   * types.
   */
  readonly importByBand: ReadonlyMap<string, bigint>;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * What is wrong with an interval, if anything (no closure or object per call: this runs per quarter
 * hour).
 */
function intervalProblem(
  iv: PricedInterval,
  period: TimeRange,
  previous: number,
): string | undefined {
  if (!Number.isSafeInteger(iv.start) || iv.start % QUARTER_MS !== 0)
    return 'an interval must start on a UTC quarter hour';
  if (iv.start < period.start || iv.start + QUARTER_MS > period.end)
    return 'an interval lies outside the period';
  if (iv.start <= previous)
    return 'intervals must be in ascending order of start, one per quarter hour';
  if (iv.importMwh < 0n || (iv.exportMwh !== null && iv.exportMwh < 0n))
    return 'interval consumption must not be negative';
  return undefined;
}

/**
 * Each part's consumption (docs/design.md §5 rules 1, 2, 4): an interval belongs to the part its
 * start lies in, and under time of use to the band in force at its local start time in `tz`. One
 * pass over the intervals, which must be ascending, on the quarter-hour grid and wholly inside
 * `period`.
 *
 * @throws PricingInputError for an interval that breaks those rules.
 */
export function partUsage(
  parts: readonly TariffPart[],
  intervals: readonly PricedInterval[],
  period: TimeRange,
  tz: string,
): PartUsage[] {
  const clock = localClock(tz);
  const usages = parts.map((part) => {
    const energy = part.version.energy;
    const bandOf = energy.type === 'tou' ? touBandOf(energy) : undefined;
    const byBand = new Map<string, bigint>(
      energy.type === 'tou' ? Object.keys(energy.bands).map((b) => [b, 0n]) : [],
    );
    return { part, bandOf, byBand, importMwh: 0n, exportMwh: 0n };
  });
  let k = 0;
  let previous = -Infinity;
  for (const iv of intervals) {
    const problem = intervalProblem(iv, period, previous);
    if (problem !== undefined)
      throw new PricingInputError(problem, {
        start: Number.isFinite(iv.start) ? iso(iv.start) : String(iv.start),
      });
    previous = iv.start;
    while ((usages[k]?.part.end ?? Infinity) <= iv.start) k++;
    const u = usages[k];
    if (u === undefined)
      throw new PricingInputError('an interval lies outside the period', { start: iso(iv.start) });
    u.importMwh += iv.importMwh;
    u.exportMwh += iv.exportMwh ?? 0n;
    if (u.bandOf !== undefined) {
      const band = u.bandOf(clock(iv.start));
      const sofar = u.byBand.get(band);
      if (sofar === undefined)
        throw new PricingInputError(`band ${JSON.stringify(band)} has no rate`, {
          start: iso(iv.start),
        });
      u.byBand.set(band, sofar + iv.importMwh);
    }
  }
  return usages.map(({ importMwh, exportMwh, byBand }) => ({
    importMwh,
    exportMwh,
    importByBand: byBand,
  }));
}
