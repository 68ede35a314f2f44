import { Decimal } from 'decimal.js';

// Half away from zero, as every rounding in wattledger; a clone so no other module's settings apply.
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A device's number as decimal text with its own digits. A JSON number is already a double when it
 * reaches us; `String(n)` gives the shortest text that reads back as the same double, which is the
 * text the device wrote whenever it wrote at most 15 significant digits (every meter does).
 * Undefined for anything that is not a finite decimal number.
 */
export function decimalText(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL_TEXT.test(text) ? text : undefined;
  }
  return undefined;
}

/**
 * Scale a decimal by 10^`shift` (3 for kWh to Wh, kW to W; 0 for Wh) and round half away from zero
 * to an integer, by decimal arithmetic on the number's own digits: `128.0245` kWh is 128,024.5 Wh
 * and becomes 128,025, where `128.0245 * 1000` in binary floating point gives 128,024.49999999999.
 * Undefined when the value is not a finite decimal or the result is not a safe integer.
 */
export function scaledInteger(value: unknown, shift: 0 | 3): number | undefined {
  // A whole number of the unit wanted is already exact (a Shelly's Wh counter): nothing to scale.
  // `+ 0` reads -0 as 0, as its text does.
  if (shift === 0 && Number.isSafeInteger(value)) return (value as number) + 0;
  const text = decimalText(value);
  if (text === undefined) return undefined;
  const plain = scaledDigits(text, shift);
  if (plain !== undefined) return plain;
  const scaled = new Dec(text).times(shift === 3 ? 1000 : 1).toDecimalPlaces(0);
  if (!scaled.isFinite() || scaled.abs().greaterThan(Number.MAX_SAFE_INTEGER)) return undefined;
  return scaled.toNumber();
}

/**
 * The same scaling on the text's digits alone, for what every meter sends (no exponent, at most 15
 * significant digits before the rounding): moving the point `shift` digits and rounding on the first
 * digit dropped is exact, and much cheaper than a Decimal per value on ingest's path. Read digit by
 * digit into an integer below 10^15, which a double holds exactly. Undefined for anything else
 * (an exponent, more digits), which Decimal handles.
 */
function scaledDigits(text: string, shift: 0 | 3): number | undefined {
  const first = text.charCodeAt(0);
  const negative = first === MINUS;
  let i = negative || first === PLUS ? 1 : 0;
  let n = 0;
  let significant = 0;
  let fractionDigits = -1;
  let up = 0;
  for (; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === POINT && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    if (c < ZERO || c > NINE) return undefined;
    if (fractionDigits >= 0) {
      fractionDigits += 1;
      // Half away from zero: the magnitude goes up when the first digit dropped is 5 or more.
      if (fractionDigits > shift) {
        if (fractionDigits === shift + 1 && c >= FIVE) up = 1;
        continue;
      }
    }
    n = n * 10 + (c - ZERO);
    if (n > 0) significant += 1;
  }
  for (let k = Math.max(fractionDigits, 0); k < shift; k += 1) {
    n *= 10;
    if (n > 0) significant += 1;
  }
  if (significant > 15) return undefined;
  const magnitude = n + up;
  return negative ? -magnitude : magnitude;
}

const [PLUS, MINUS, POINT, ZERO, FIVE, NINE] = ['+', '-', '.', '0', '5', '9'].map((c) =>
  c.charCodeAt(0),
) as [number, number, number, number, number, number];

/** kWh (number or decimal text) to integer Wh, exactly; undefined when not a decimal. */
export const kwhToWh = (value: unknown): number | undefined => scaledInteger(value, 3);

/** Wh (number or decimal text, possibly fractional) to integer Wh, rounded half away from zero. */
export const whToWh = (value: unknown): number | undefined => scaledInteger(value, 0);

/**
 * A register in Wh: a non-negative safe integer, or undefined (the caller rejects with the field's
 * name).
 */
export function registerWh(value: unknown, unit: 'kWh' | 'Wh'): number | undefined {
  const wh = unit === 'kWh' ? kwhToWh(value) : whToWh(value);
  return wh !== undefined && wh >= 0 ? wh : undefined;
}

/** A power reading in W from W or kW, as a finite number (power is not money: a float is fine). */
export function powerW(value: unknown, unit: 'W' | 'kW'): number | undefined {
  // A JSON number in W is its own value: its shortest text reads back as the same double.
  if (unit === 'W' && typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = decimalText(value);
  if (text === undefined) return undefined;
  const w = unit === 'kW' ? new Dec(text).times(1000).toNumber() : Number(text);
  return Number.isFinite(w) ? w : undefined;
}
