/**
 * Seeded pseudo-random numbers. Everything the simulator invents comes from here, so a seed
 * reproduces a fleet, its load curves and its faults exactly.
 *
 * Two flavours: a stream (`mulberry32`, for set-up code that draws values in a fixed order) and
 * stateless hashes (`hashUnit`, `hashGaussian`) for decisions keyed by (seed, meter, time), which
 * stay the same however the simulation loop happens to group its work.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

const TWO_32 = 4_294_967_296;

/** mulberry32: a tiny 32-bit generator, good enough for simulation (not for anything secret). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
}

/** A standard normal deviate (mean 0, sd 1) from two uniforms (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]: log(0) would be -Infinity
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function mix(h: number, k: number): number {
  let x = Math.imul(k, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

/**
 * A 32-bit hash of a list of numbers (integers up to 2^53 keep all their bits; other numbers are
 * truncated). Same inputs, same output, on every platform.
 */
export function hash32(...parts: readonly number[]): number {
  let h = 0x9747b28c;
  for (const p of parts) {
    const n = Math.trunc(p);
    const lo = n >>> 0;
    const hi = Math.floor(n / TWO_32) >>> 0;
    h = mix(mix(h, lo), hi);
  }
  return finalize(h, parts.length);
}

/**
 * {@link hash32} of exactly three numbers, without the array: the load profile
 * calls it millions of times.
 */
export function hash3(a: number, b: number, c: number): number {
  let h = 0x9747b28c;
  h = mix(mix(h, a >>> 0), Math.floor(a / TWO_32) >>> 0);
  h = mix(mix(h, b >>> 0), Math.floor(b / TWO_32) >>> 0);
  h = mix(mix(h, c >>> 0), Math.floor(c / TWO_32) >>> 0);
  return finalize(h, 3);
}

/** MurmurHash3's final avalanche, with the number of parts mixed in. */
function finalize(hash: number, count: number): number {
  let h = hash ^ count;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A second, independent-looking 32-bit value from a hash (one mulberry32 round). */
export function remix(h: number): number {
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A uniform number in [0, 1) from three integers: `hashUnit(a, b, c)` without the array. */
export function unit3(a: number, b: number, c: number): number {
  return hash3(a, b, c) / TWO_32;
}

/** A 32-bit hash of a string (FNV-1a), to turn names such as meter ids into hash inputs. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by its inputs alone. */
export function hashUnit(...parts: readonly number[]): number {
  return hash32(...parts) / TWO_32;
}

/** A standard normal deviate determined by its inputs alone. */
export function hashGaussian(...parts: readonly number[]): number {
  return gaussian(mulberry32(hash32(...parts)));
}

/** Convenience wrapper over a seeded stream. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Integer uniform in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Normal deviate with the given mean and standard deviation. */
  gaussian(mean?: number, sd?: number): number;
}

/** A seeded stream with the usual helpers. */
export function seededRandom(seed: number): SeededRandom {
  const rng = mulberry32(seed);
  return {
    next: rng,
    range: (min, max) => min + (max - min) * rng(),
    int: (min, max) => min + Math.floor((max - min + 1) * rng()),
    chance: (p) => rng() < p,
    gaussian: (mean = 0, sd = 1) => mean + sd * gaussian(rng),
  };
}
