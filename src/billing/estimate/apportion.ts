/** A non-negative rational `num / den` (den > 0): exact factors for exact energy. */
export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

/** The factor 1. */
export const ONE: Ratio = { num: 1n, den: 1n };

/** Parts per million: factors are statistics, a millionth is far below their own uncertainty. */
const PPM = 1_000_000;

/**
 * A non-negative finite number as a ratio, to the millionth (negative and non-finite values are
 * refused: a factor of energy cannot be negative).
 */
export function ratioOf(x: number): Ratio {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`not a non-negative factor: ${x}`);
  return { num: BigInt(Math.round(x * PPM)), den: BigInt(PPM) };
}

/**
 * `total` split in proportion to `weights` (non-negative, at least one), exactly: each share is the
 * floor of its exact value, and the units left go one each to the largest fractional parts, earlier
 * intervals first on ties, so the result is deterministic and sums to `total`. All-zero weights
 * split evenly.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) return [];
  let sum = weights.reduce((a, w) => a + w, 0n);
  const ws = sum === 0n ? weights.map(() => 1n) : weights;
  if (sum === 0n) sum = BigInt(ws.length);
  const shares = ws.map((w) => (total * w) / sum);
  let left = total - shares.reduce((a, s) => a + s, 0n);
  const order = ws.map((w, i) => ({ i, rest: (total * w) % sum }));
  order.sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares;
}
