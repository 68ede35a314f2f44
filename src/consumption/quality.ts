/** How a bucket's value was obtained (docs/design.md §1). */
export type Quality = 'measured' | 'interpolated' | 'partial' | 'missing';

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
}

/**
 * The quality of a bucket: `missing` without a reading at or before its start, `partial` when it
 * reaches past the latest reading, else `interpolated` when part of it lies in a gap, else
 * `measured`.
 */
export function bucketQuality(b: BucketFacts): Quality {
  if (b.first === undefined || b.latest === undefined || b.first > b.start) return 'missing';
  if (b.end > b.latest) return 'partial';
  return b.inGap ? 'interpolated' : 'measured';
}
