import type { Reading } from '../readings/reading.js';
import { bucketEdges, type GroupBy, MAX_BUCKETS } from './group-by.js';
import {
  indexOf,
  indexWalker,
  type MeterIndex,
  registerSeries,
  type RegisterSeries,
  takenByAt,
} from './meter-index.js';
import { assertColumns } from '../readings/register-columns.js';
import { milliWhToWh } from './milli-wh.js';
import {
  bucketQuality,
  DEFAULT_GAP_MS,
  findGaps,
  type Gap,
  gapOverlap,
  type Quality,
  strongerTakenBy,
} from './quality.js';
import { sortedReadings } from './sorted-readings.js';

/** Consumption over one bucket `[start, end)` (epoch ms), in Wh with at most three decimals. */
export interface Bucket {
  readonly start: number;
  readonly end: number;
  /** Null when `missing`. */
  readonly importWh: number | null;
  /** Null when `missing`, or when the export register is unknown at either end. */
  readonly exportWh: number | null;
  readonly quality: Quality;
}

/**
 * What `computeConsumption` needs: one meter's readings around a range, and how to cut it. The
 * readings include the nearest one before the snapped start and the nearest after the snapped end
 * when they exist (`snapRange` gives those bounds). They come as `readings` (order and duplicates
 * do not matter) or, cheaper, as `series`, already ascending with one entry per instant (checked).
 */
export type ConsumptionInput = ConsumptionRange &
  ({ readonly readings: readonly Reading[] } | { readonly series: RegisterSeries });

/** The range and cut of a consumption request. */
export interface ConsumptionRange {
  readonly from: number;
  readonly to: number;
  readonly groupBy: GroupBy;
  readonly tz: string;
  /** Longest stretch between consecutive readings that still counts as measured; default 1 h. */
  readonly gapMs?: number;
  /** Default `MAX_BUCKETS`. */
  readonly maxBuckets?: number;
}

/** Consumption of one meter over a snapped range, bucket by bucket. */
export interface Consumption {
  /** The range after snapping outward to bucket edges. */
  readonly start: number;
  readonly end: number;
  readonly buckets: Bucket[];
  /** Exact sums of the non-null bucket values; `exportWh` is null when no bucket has one. */
  readonly totals: { readonly importWh: number; readonly exportWh: number | null };
}

function seriesOf(input: ConsumptionInput): RegisterSeries {
  if ('readings' in input) return registerSeries(sortedReadings(input.readings));
  assertColumns(input.series);
  return input.series;
}

/** The series' gaps: found in its readings, or given when the series leaves readings out. */
function gapsOf(series: RegisterSeries, gapMs: number): readonly Gap[] {
  const known = series.knownGaps;
  if (known === undefined) return findGaps(series.ts, gapMs);
  if (known.gapMs !== gapMs)
    throw new RangeError(`a thinned series knows its gaps of ${known.gapMs} ms, not ${gapMs}`);
  return known.list;
}

const diff = (a: bigint | undefined, b: bigint | undefined): bigint | null =>
  a === undefined || b === undefined ? null : b - a;

/**
 * Consumption of one meter per bucket (docs/design.md §1, §4). Each value is the difference of the
 * exact (milli-Wh) indexes at the bucket's edges, so hours sum to their day and days to their month
 * exactly, and `totals` is the exact sum of the buckets. O(readings + buckets), pure.
 *
 * @throws TooManyBucketsError, or AppError `validation_failed` for a bad range or time zone.
 */
export function computeConsumption(input: ConsumptionInput): Consumption {
  const { groupBy, tz, gapMs = DEFAULT_GAP_MS, maxBuckets = MAX_BUCKETS } = input;
  if (!(gapMs > 0)) throw new RangeError(`gapMs must be positive, got ${gapMs}`);
  const edges = bucketEdges(input.from, input.to, groupBy, tz, maxBuckets);
  const series = seriesOf(input);
  const indexAt = indexWalker(series);
  const inGap = gapOverlap(gapsOf(series, gapMs));
  const firstTs = series.ts[0];
  const lastAt = series.ts.length - 1;
  const latestTs = series.ts[lastAt];
  const latest: MeterIndex | undefined = indexOf(series, lastAt);

  const buckets: Bucket[] = [];
  let importTotal = 0n;
  let exportTotal: bigint | null = null;
  let atStart = edges[0] === undefined ? undefined : indexAt(edges[0]);
  // Who took the readings each edge rests on; only looked up when people took any.
  const byPeople = series.takenBy !== undefined && series.takenBy.size > 0;
  let takenAtStart = byPeople && edges[0] !== undefined ? takenByAt(series, edges[0]) : undefined;
  for (let k = 1; k < edges.length; k++) {
    const start = edges[k - 1] ?? 0;
    const end = edges[k] ?? 0;
    const atEnd = indexAt(end);
    const takenAtEnd = byPeople ? takenByAt(series, end) : undefined;
    const quality = bucketQuality({
      start,
      end,
      first: firstTs,
      latest: latestTs,
      inGap: inGap(start, end),
      takenBy: strongerTakenBy(takenAtStart, takenAtEnd),
    });
    let importMwh: bigint | null = null;
    let exportMwh: bigint | null = null;
    if (
      quality === 'partial' &&
      latest !== undefined &&
      latestTs !== undefined &&
      start >= latestTs
    ) {
      // The value runs from the bucket start to the latest reading, which this bucket starts at or
      // after.
      importMwh = 0n;
      exportMwh = latest.exportMwh === undefined ? null : 0n;
    } else if (quality !== 'missing') {
      const to = quality === 'partial' ? latest : atEnd;
      importMwh = diff(atStart?.importMwh, to?.importMwh);
      exportMwh = diff(atStart?.exportMwh, to?.exportMwh);
    }
    if (importMwh !== null) importTotal += importMwh;
    if (exportMwh !== null) exportTotal = (exportTotal ?? 0n) + exportMwh;
    buckets.push({
      start,
      end,
      quality,
      importWh: importMwh === null ? null : milliWhToWh(importMwh),
      exportWh: exportMwh === null ? null : milliWhToWh(exportMwh),
    });
    atStart = atEnd;
    takenAtStart = takenAtEnd;
  }
  return {
    start: edges[0] ?? input.from,
    end: edges.at(-1) ?? input.to,
    buckets,
    totals: {
      importWh: milliWhToWh(importTotal),
      exportWh: exportTotal === null ? null : milliWhToWh(exportTotal),
    },
  };
}
