import { Decimal } from 'decimal.js';

/**
 * The exact decimal of the pricing engine: a private decimal.js constructor whose precision (60
 * significant digits) holds every product and sum of the engine exactly (rates have at most 15 + 12
 * digits, quantities fewer), so rounding happens only where docs/design.md §5 says, and always half
 * away from zero. A clone keeps other modules' Decimal settings from changing ours.
 */
export const Dec = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
/** An exact decimal value of the pricing engine. */
export type Dec = InstanceType<typeof Dec>;

/**
 * `value` rounded to `dp` decimals, halves away from zero (docs/design.md §5: `-0.045` → `-0.05`).
 */
export function roundHalfUp(value: Dec, dp: number): Dec {
  const rounded = value.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
  return rounded.isZero() ? new Dec(0) : rounded; // no "-0.00" on a bill
}

/** `value` rounded half away from zero to `dp` decimals, as text with exactly `dp` decimals. */
export function fixed(value: Dec, dp: number): string {
  return roundHalfUp(value, dp).toFixed(dp);
}

/** Exact sum of decimals. */
export function sum(values: readonly Dec[]): Dec {
  return values.reduce((acc, v) => acc.plus(v), new Dec(0));
}

const MWH_PER_KWH = new Dec(1_000_000);

/** Milli-Wh as exact kWh (`1_234_567n` → 1.234567). */
export function mwhToKwh(mwh: bigint): Dec {
  return new Dec(mwh.toString()).div(MWH_PER_KWH);
}

const minorDigitsCache = new Map<string, number>();

/**
 * The minor-unit digits of an ISO 4217 currency as the runtime's ICU data knows them: EUR 2, JPY 0,
 * KWD 3. Money on a bill is rounded to these digits.
 */
export function minorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}
