/**
 * How a bucket's value was obtained (docs/design.md §1): from the meter's readings (`measured`,
 * `interpolated`), resting on a reading a person took (`self-read`: the customer's, `manual`:
 * staff's), or incomplete (`partial`, `missing`).
 */
export type Quality = 'measured' | 'interpolated' | 'self-read' | 'manual' | 'partial' | 'missing';

/** Every quality, in the order of precedence `bucketQuality` applies (strongest first). */
export const QUALITIES = [
  'missing',
  'partial',
  'manual',
  'self-read',
  'interpolated',
  'measured',
] as const satisfies readonly Quality[];

/** Default longest stretch between two consecutive readings that still counts as measured. */
export const DEFAULT_GAP_MS = 3_600_000;

/** An open interval `(from, to)` between two consecutive readings more than the gap limit apart. */
export interface Gap {
  readonly from: number;
  readonly to: number;
}

/** The gaps between consecutive instants of `ts` (ascending) that are longer than `gapMs`. */
export function findGaps(ts: ArrayLike<number>, gapMs: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < ts.length; i++) {
    const from = ts[i - 1];
    const to = ts[i];
    if (from !== undefined && to !== undefined && to - from > gapMs) gaps.push({ from, to });
  }
  return gaps;
}

/**
 * A test of whether part of a bucket `(start, end)` lies inside one of `gaps` (ascending), for
 * buckets asked in ascending order: a pointer skips the gaps already behind, O(gaps + buckets).
 */
export function gapOverlap(gaps: readonly Gap[]): (start: number, end: number) => boolean {
  let k = 0;
  return (start, end) => {
    while (k < gaps.length && (gaps[k]?.to ?? Infinity) <= start) k++;
    const gap = gaps[k];
    return gap !== undefined && gap.from < end;
  };
}

/** What is known about a bucket `[start, end)` relative to the readings. */
export interface BucketFacts {
  readonly start: number;
  readonly end: number;
  /** `ts` of the first and latest readings, undefined without readings. */
  readonly first: number | undefined;
  readonly latest: number | undefined;
  /** Part of the bucket lies inside a gap (see `gapOverlap`). */
  readonly inGap: boolean;
  /**
   * Who took a reading the value rests on, when a person did: the readings that give the index at
   * the bucket's edges (the one at the edge, or the two the edge lies between). `staff` when any
   * of them is staff's.
   */
  readonly takenBy?: 'customer' | 'staff' | undefined;
}

/**
 * The quality of a bucket, the first that applies: `missing` without a reading at or before its
 * start; `partial` when it reaches past the latest reading; `manual` when its value rests on a
 * reading staff entered, `self-read` on one the customer entered; `interpolated` when part of it
 * lies in a gap; else `measured`. What is incomplete is said first; then what the value rests on,
 * since a reading typed in by a person usually stands in for missing telemetry and outweighs the
 * gap it closes; a staff value outranks a customer's because it was entered (often as a
 * correction) by whoever answers for the invoice.
 */
export function bucketQuality(b: BucketFacts): Quality {
  if (b.first === undefined || b.latest === undefined || b.first > b.start) return 'missing';
  if (b.end > b.latest) return 'partial';
  if (b.takenBy === 'staff') return 'manual';
  if (b.takenBy === 'customer') return 'self-read';
  return b.inGap ? 'interpolated' : 'measured';
}

/** The stronger of two `takenBy`: staff's outranks the customer's. */
export function strongerTakenBy(
  a: 'customer' | 'staff' | undefined,
  b: 'customer' | 'staff' | undefined,
): 'customer' | 'staff' | undefined {
  return a === 'staff' || b === 'staff' ? 'staff' : (a ?? b);
}
