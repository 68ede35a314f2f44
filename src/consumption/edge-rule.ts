/**
 * How the edges of one kind of bucket are found. Edges are instants (epoch ms); every edge of every
 * kind lies on the UTC quarter-hour grid, so coarser buckets are unions of finer ones.
 */
export interface EdgeRule {
  /** The latest edge at or before `t`. */
  floor(t: number): number;
  /** The earliest edge strictly after `edge`, which must itself be an edge. */
  next(edge: number): number;
  /**
   * An upper bound on the mean length of many buckets of this kind, so `span / maxBucketMs`
   * bounds the bucket count from below: far too large ranges are refused before any edge is made.
   */
  readonly maxBucketMs: number;
}

/** One interval (docs/design.md §1): 15 minutes. */
export const QUARTER_MS = 900_000;

/** The UTC quarter hour containing `t`. */
export function floorQuarter(t: number): number {
  return Math.floor(t / QUARTER_MS) * QUARTER_MS;
}

/**
 * 15-minute buckets on UTC quarter hours, which are also local quarter hours in every zone
 * since 1972.
 */
export const quarterRule: EdgeRule = {
  floor: floorQuarter,
  next: (edge) => edge + QUARTER_MS,
  maxBucketMs: QUARTER_MS,
};
