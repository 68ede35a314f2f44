/**
 * An InfluxQL string literal: backslashes and single quotes escaped, so any meter
 * id is safe to interpolate.
 */
export function quoteString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

// InfluxDB stores int64 nanoseconds: these are the representable instants in ms. Clamping lets
// callers ask for "everything after t" with a far-future bound without an out-of-range error.
export const MIN_MS = -9_223_372_036_854;
export const MAX_MS = 9_223_372_036_854;

/**
 * A time bound as an InfluxQL ms-epoch time literal (`1764440100000ms`), clamped
 * to what InfluxDB can hold.
 */
export function msLiteral(t: number, name: string): string {
  if (!Number.isSafeInteger(t))
    throw new RangeError(`window ${name} must be an integer epoch ms, got ${t}`);
  return `${Math.min(MAX_MS, Math.max(MIN_MS, t))}ms`;
}

/** An InfluxQL double-quoted identifier (database names). */
export function quoteIdent(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
