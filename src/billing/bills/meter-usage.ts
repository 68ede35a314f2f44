import { floorQuarter } from '../../consumption/edge-rule.js';
import { sortedReadings } from '../../consumption/sorted-readings.js';
import type { Reading } from '../../readings/reading.js';
import { edgeTakenBy, type IndexSource } from './index-source.js';
import type { DayTotal } from '../estimate/day-totals.js';
import { BASELINE_MS, projectIntervals, type ProjectionMethod } from '../estimate/projection.js';
import type { ProjectionKind } from '../estimate/recent-projection.js';
import type { PricedInterval, TimeRange } from '../pricing/bill.js';
import { intervalsFromReadings } from '../pricing/intervals-from-readings.js';

/**
 * How a meter's projected intervals were obtained: an estimate's projection (`ProjectionKind`), or
 * the 7-day baseline that extrapolates a forced settlement's end index (`baseline-7d`).
 */
export type UsageMethod = ProjectionKind | ProjectionMethod;

/** One meter's measured (and, for an estimate, projected) intervals of a period. */
export interface MeterUsage {
  readonly meterId: string;
  readonly measured: readonly PricedInterval[];
  readonly projected: readonly PricedInterval[];
  readonly method: UsageMethod;
  /**
   * An estimate's whole local days before its cut (up to four weeks), from which its range is
   * drawn; absent when the consent allows no daily figures or for any other usage.
   */
  readonly history?: readonly DayTotal[];
  /** The meter's latest reading at or before the evaluation instant (epoch ms). */
  readonly latestTs: number | undefined;
  /** True when the meter has a reading at or after the period end: its end index is known. */
  readonly endKnown: boolean;
  /** Who took the readings its measured start and end indexes rest on, when a person did. */
  readonly indexSource?: IndexSource | undefined;
}

/** The final index of a meter an exchange took out: the meter counts nothing after it. */
export const isFinalIndex = (r: Reading): boolean => r.span?.event === 'removed';

/** The readings of one meter around a period: the window plus its nearest neighbours. */
export interface MeterReadings {
  readonly meterId: string;
  readonly readings: readonly Reading[];
}

const sumOf = (xs: readonly PricedInterval[]): bigint => xs.reduce((a, i) => a + i.importMwh, 0n);

/** The usage of a meter with no reading to go on: nothing measured, nothing projected. */
export function noUsage(meterId: string): MeterUsage {
  return {
    meterId,
    measured: [],
    projected: [],
    method: 'none',
    latestTs: undefined,
    endKnown: false,
  };
}

/**
 * Measured intervals of `period` for one meter (docs/design.md §1 interpolation), no projection:
 * what a provisional or settled bill prices. `endKnown` tells whether a reading at or after the end
 * exists.
 */
export function measuredUsage(m: MeterReadings, period: TimeRange): MeterUsage {
  const sorted = sortedReadings(m.readings);
  const { intervals } = intervalsFromReadings(sorted, period);
  const last = sorted.at(-1);
  // A meter taken out by an exchange ends at its final index: nothing more is awaited from it.
  const endKnown = last !== undefined && (last.ts >= period.end || isFinalIndex(last));
  return {
    meterId: m.meterId,
    measured: intervals,
    projected: [],
    method: 'none',
    latestTs: last?.ts,
    endKnown,
    ...withIndexSource(sorted, period.start, endKnown ? period.end : undefined),
  };
}

/** The `indexSource` of usage measured from `start` (and to `end`, when its index is known). */
function withIndexSource(
  sorted: readonly Reading[],
  start: number,
  end: number | undefined,
): Pick<MeterUsage, 'indexSource'> {
  const from = edgeTakenBy(sorted, start);
  const to = end === undefined ? undefined : edgeTakenBy(sorted, end);
  if (from === undefined && to === undefined) return {};
  return {
    indexSource: {
      ...(from === undefined ? {} : { start: from }),
      ...(to === undefined ? {} : { end: to }),
    },
  };
}

/**
 * Measured intervals of `period` up to the meter's latest reading at or before `asOfLimit`, then
 * the 7-day baseline projection of docs/design.md §5 from there to the period end: a forced
 * settlement's extrapolated end index (estimates project by `consentedUsage`). Readings after
 * `asOfLimit` are ignored.
 */
export function projectedUsage(
  m: MeterReadings,
  period: TimeRange,
  tz: string,
  asOfLimit: number,
): MeterUsage {
  const sorted = sortedReadings(m.readings.filter((r) => r.ts <= asOfLimit));
  const last = sorted.at(-1);
  if (last === undefined) return noUsage(m.meterId);
  // Nothing to project past the period end, nor past a meter's final index.
  if (last.ts >= period.end || isFinalIndex(last))
    return measuredUsage({ meterId: m.meterId, readings: sorted }, period);
  // Measured up to the quarter hour before the latest reading; the projection takes over there.
  const cut = Math.max(period.start, floorQuarter(last.ts));
  const measured = intervalsFromReadings(sorted, { start: period.start, end: cut }).intervals;
  const baselineEnd = floorQuarter(last.ts);
  const baselineStart = baselineEnd - BASELINE_MS;
  const baseline =
    baselineStart < baselineEnd
      ? intervalsFromReadings(sorted, { start: baselineStart, end: baselineEnd }).intervals
      : [];
  const projection = projectIntervals({
    measured: [],
    asOf: baselineEnd,
    periodEnd: period.end,
    baseline,
    tz,
  });
  const projected = projection.intervals.filter((i) => i.start >= cut);
  return {
    meterId: m.meterId,
    measured,
    projected,
    method: projection.method,
    latestTs: last.ts,
    endKnown: false,
    // The end is projected: only the start index can rest on a reading.
    ...withIndexSource(sorted, period.start, undefined),
  };
}

/** What a bill's basis needs of one meter, once its intervals are summed into the contract's. */
export interface MeterSummary {
  readonly meterId: string;
  readonly latestTs: number | undefined;
  readonly endKnown: boolean;
  readonly method: UsageMethod;
  readonly measuredMwh: bigint;
  readonly projectedMwh: bigint;
  readonly projectedExportMwh: bigint;
  /** Quarter hours projected rather than measured. */
  readonly projectedIntervals: number;
  readonly indexSource?: IndexSource | undefined;
}

/**
 * A contract's usage of a period: its meters' intervals summed per quarter hour (ascending), and
 * each meter's summary.
 */
export interface ContractUsage {
  readonly intervals: readonly PricedInterval[];
  /** The projected part of `intervals` alone, summed per quarter hour: an estimate's range scales it. */
  readonly projected: readonly PricedInterval[];
  /**
   * The meters' daily history summed per local day, keeping only the days every meter with a
   * history has; empty when no meter has one.
   */
  readonly history: readonly DayTotal[];
  /** By meter id. */
  readonly meters: readonly MeterSummary[];
}

const plusExport = (a: bigint | null, b: bigint | null): bigint | null =>
  a === null ? b : b === null ? a : a + b;

/** Add an interval into a per-quarter-hour sum: imports exactly, exports where any meter has one. */
function addTo(
  m: Map<number, { importMwh: bigint; exportMwh: bigint | null }>,
  i: PricedInterval,
): void {
  const seen = m.get(i.start);
  if (seen === undefined) m.set(i.start, { importMwh: i.importMwh, exportMwh: i.exportMwh });
  else {
    seen.importMwh += i.importMwh;
    seen.exportMwh = plusExport(seen.exportMwh, i.exportMwh);
  }
}

const sortedIntervals = (
  m: ReadonlyMap<number, { importMwh: bigint; exportMwh: bigint | null }>,
): PricedInterval[] =>
  [...m.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, v]) => ({ start, importMwh: v.importMwh, exportMwh: v.exportMwh }));

/** Whether `xs` starts strictly later at each step: ascending, no quarter hour twice. */
function ascending(xs: readonly { readonly start: number }[]): boolean {
  for (let k = 1; k < xs.length; k += 1) if (xs[k]!.start <= xs[k - 1]!.start) return false;
  return true;
}

/**
 * The usage of a contract of one meter, as its own lists: what summing it into per-quarter-hour
 * maps would give, without copying every interval three times (most contracts have one meter,
 * and those copies were a fleet's settlement's largest source of garbage). Undefined when its lists
 * are not strictly ascending, which the maps then sort out.
 */
function alone(u: MeterUsage): Omit<ContractUsage, 'meters'> | undefined {
  const intervals =
    u.measured.length === 0
      ? u.projected
      : u.projected.length === 0
        ? u.measured
        : [...u.measured, ...u.projected];
  const history = u.history ?? [];
  if (!ascending(intervals) || !ascending(u.projected) || !ascending(history)) return undefined;
  return { intervals, projected: u.projected, history };
}

function summaryOf(u: MeterUsage): MeterSummary {
  return {
    meterId: u.meterId,
    latestTs: u.latestTs,
    endKnown: u.endKnown,
    method: u.method,
    measuredMwh: sumOf(u.measured),
    projectedMwh: sumOf(u.projected),
    projectedExportMwh: u.projected.reduce((a, i) => a + (i.exportMwh ?? 0n), 0n),
    projectedIntervals: u.projected.length,
    ...(u.indexSource === undefined ? {} : { indexSource: u.indexSource }),
  };
}

/**
 * Meter usages summed one meter at a time: a contract's meters never need to be in memory together
 * (a month of 15-minute intervals of a thousand meters would not fit in the heap `npm start` runs
 * with). Sums are exact and independent of the order the meters come in. A contract of one meter
 * keeps that meter's lists as they are (`alone`).
 */
export class UsageFold {
  private readonly byStart = new Map<number, { importMwh: bigint; exportMwh: bigint | null }>();
  private readonly projected = new Map<number, { importMwh: bigint; exportMwh: bigint | null }>();
  private readonly days = new Map<number, { day: DayTotal; meters: number }>();
  private withHistory = 0;
  private readonly summaries: MeterSummary[] = [];
  /** The first meter's usage, not summed into the maps until a second one comes. */
  private first: MeterUsage | undefined;

  add(u: MeterUsage): void {
    this.summaries.push(summaryOf(u));
    if (this.summaries.length === 1) {
      this.first = u;
      return;
    }
    this.sumFirst();
    this.sum(u);
  }

  private sumFirst(): void {
    if (this.first === undefined) return;
    const u = this.first;
    this.first = undefined;
    this.sum(u);
  }

  private sum(u: MeterUsage): void {
    for (const list of [u.measured, u.projected]) for (const i of list) addTo(this.byStart, i);
    for (const i of u.projected) addTo(this.projected, i);
    if (u.history !== undefined) {
      this.withHistory += 1;
      for (const d of u.history) {
        const seen = this.days.get(d.start);
        if (seen === undefined) this.days.set(d.start, { day: d, meters: 1 });
        else
          this.days.set(d.start, {
            meters: seen.meters + 1,
            day: {
              ...seen.day,
              importMwh: seen.day.importMwh + d.importMwh,
              exportMwh: plusExport(seen.day.exportMwh, d.exportMwh),
            },
          });
      }
    }
  }

  result(): ContractUsage {
    const one = this.first === undefined ? undefined : alone(this.first);
    if (one !== undefined) return { ...one, meters: [...this.summaries] };
    this.sumFirst();
    return {
      intervals: sortedIntervals(this.byStart),
      projected: sortedIntervals(this.projected),
      history: [...this.days.values()]
        .filter((d) => d.meters === this.withHistory)
        .map((d) => d.day)
        .sort((a, b) => a.start - b.start),
      meters: [...this.summaries].sort((a, b) =>
        a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0,
      ),
    };
  }
}

/** The usage of meters already in memory. */
export function foldUsages(usages: Iterable<MeterUsage>): ContractUsage {
  const fold = new UsageFold();
  for (const u of usages) fold.add(u);
  return fold.result();
}
