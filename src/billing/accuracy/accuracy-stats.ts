import { Dec } from '../pricing/decimal.js';

/** The stages of a period at which accuracy is published: the end of local day 3, 10, 15, 25. */
export const ACCURACY_DAYS = [3, 10, 15, 25] as const;
export type AccuracyDay = (typeof ACCURACY_DAYS)[number];

/** One estimate as it stood at a stage, against the period's settled total (decimal strings). */
export interface StagedEstimate {
  readonly day: AccuracyDay;
  readonly solar: boolean;
  readonly settled: string;
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}

/** The accuracy of one stage. Percentages rounded to 0.01; null without any estimate. */
export interface StageAccuracy {
  readonly day: AccuracyDay;
  /** Estimates compared at this stage (a period shorter than the stage has none). */
  readonly bills: number;
  readonly medianAbsPctError: number | null;
  readonly p90AbsPctError: number | null;
  /** Share of bills, percent, whose settled total lay within p10–p90. */
  readonly coverage80: number | null;
}

/** Accuracy of a set of bills at every stage. */
export interface Accuracy {
  /** Settled periods compared. */
  readonly bills: number;
  readonly stages: readonly StageAccuracy[];
}

/** Nearest-rank percentile of ascending `xs`: a value that occurred, no interpolation. */
export function nearestRank(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
}

const round2 = (x: number | undefined) => (x === undefined ? null : Math.round(x * 100) / 100);

/**
 * Median and p90 of the absolute percentage error `|p50 − settled| / |settled|` and the share of
 * settled totals inside p10–p90, per stage. A settled total of exactly zero has no percentage
 * error: it counts for coverage only.
 */
export function stageAccuracy(bills: number, estimates: readonly StagedEstimate[]): Accuracy {
  return {
    bills,
    stages: ACCURACY_DAYS.map((day) => {
      const at = estimates.filter((e) => e.day === day);
      const errors = at
        .filter((e) => Number(e.settled) !== 0)
        .map(
          (e) => (Math.abs(Number(e.p50) - Number(e.settled)) / Math.abs(Number(e.settled))) * 100,
        )
        .sort((a, b) => a - b);
      const covered = at.filter((e) => {
        const s = new Dec(e.settled);
        return s.gte(e.p10) && s.lte(e.p90);
      }).length;
      return {
        day,
        bills: at.length,
        medianAbsPctError: round2(nearestRank(errors, 50)),
        p90AbsPctError: round2(nearestRank(errors, 90)),
        coverage80: at.length === 0 ? null : round2((covered / at.length) * 100),
      };
    }),
  };
}
