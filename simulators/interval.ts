/** Reading intervals the simulator accepts by name. */
export const NAMED_INTERVALS = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '30m': 30 * 60_000,
  '1h': 60 * 60_000,
} as const;

/** One of the interval names, e.g. `'15m'`. */
export type IntervalName = keyof typeof NAMED_INTERVALS;

/** wattledger's interval: a UTC quarter hour. */
export const DEFAULT_INTERVAL_MS = NAMED_INTERVALS['15m'];

const DAY_MS = 86_400_000;

function isName(v: string): v is IntervalName {
  return Object.hasOwn(NAMED_INTERVALS, v);
}

/**
 * Parse an interval: a name (`'1m'`, `'5m'`, `'15m'`, `'30m'`, `'1h'`) or a number of milliseconds
 * (number or digit string). Must be a whole number of seconds that divides a day, so readings land
 * on the same clock times every day.
 */
export function parseInterval(input: string | number): number {
  const ms =
    typeof input === 'number'
      ? input
      : isName(input)
        ? NAMED_INTERVALS[input]
        : /^\d+$/.test(input)
          ? Number(input)
          : NaN;
  if (!Number.isSafeInteger(ms) || ms < 1000 || ms % 1000 !== 0 || DAY_MS % ms !== 0) {
    throw new RangeError(
      `invalid interval ${JSON.stringify(input)}: use 1m, 5m, 15m, 30m, 1h or milliseconds dividing a day`,
    );
  }
  return ms;
}

/**
 * The latest interval boundary at or before `t` (boundaries are multiples of
 * `intervalMs` since the epoch).
 */
export function alignDown(t: number, intervalMs: number): number {
  return Math.floor(t / intervalMs) * intervalMs;
}
