import { Decimal } from 'decimal.js';
import { decimalText, registerWh } from '../decimal-units.js';
import { shown } from '../shared/json-payload.js';
import { fail, ok, type Parsed } from '../shared/parsed.js';

/** What one Tasmota source (TIC, a sensor group, ENERGY) contributes to a reading. */
export interface Counters {
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
  readonly registers?: Readonly<Record<string, number>> | undefined;
  readonly counterStart?: string | undefined;
}

// Half away from zero with room for every digit a device sends, as in decimal-units.ts.
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** Phases or channels a Tasmota energy array may carry (ESP32 builds go up to 8). */
export const MAX_CHANNELS = 8;

/** A register as integer Wh, or invalid_schema naming `field`. */
export function energyWh(value: unknown, field: string, unit: 'kWh' | 'Wh'): Parsed<number> {
  const wh = registerWh(value, unit);
  return wh === undefined
    ? fail(
        'invalid_schema',
        `${field} must be a non-negative decimal in ${unit}, got ${shown(value)}`,
      )
    : ok(wh);
}

/**
 * A register given as one value or per phase (`[l1, l2, l3]`), as integer Wh: the phases are added
 * exactly on their own digits before the one rounding.
 */
export function energySumWh(value: unknown, field: string, unit: 'kWh' | 'Wh'): Parsed<number> {
  if (!Array.isArray(value)) return energyWh(value, field, unit);
  const sum = decimalSum(value, field, unit, false);
  if (!sum.ok) return sum;
  const wh = sum.value.times(unit === 'kWh' ? 1000 : 1).toDecimalPlaces(0);
  return wh.lte(Number.MAX_SAFE_INTEGER)
    ? ok(wh.toNumber())
    : fail('invalid_schema', `${field} adds up beyond a register`);
}

/** Active power in W, from one value or per phase or channel (added). Negative means export. */
export function powerSumW(value: unknown, field: string): Parsed<number> {
  // One JSON number (every plug's Power): its own value, without a Decimal on ingest's path. `+ 0`
  // reads -0 as 0, as the sum does.
  if (typeof value === 'number' && Number.isFinite(value)) return ok(value + 0);
  const sum = decimalSum(Array.isArray(value) ? value : [value], field, 'W', true);
  if (!sum.ok) return sum;
  const w = sum.value.toNumber();
  return Number.isFinite(w) ? ok(w) : fail('invalid_schema', `${field} is not a finite power`);
}

function decimalSum(
  values: readonly unknown[],
  field: string,
  unit: string,
  signed: boolean,
): Parsed<Decimal.Instance> {
  if (values.length === 0 || values.length > MAX_CHANNELS) {
    return fail(
      'invalid_schema',
      `${field} must hold 1 to ${MAX_CHANNELS} values, got ${values.length}`,
    );
  }
  let sum = new Dec(0);
  for (const v of values) {
    const text = decimalText(v);
    const d = text === undefined ? undefined : new Dec(text);
    if (d === undefined || !d.isFinite() || (!signed && d.isNegative())) {
      const kind = signed ? 'a decimal' : 'a non-negative decimal';
      return fail('invalid_schema', `${field} must be ${kind} in ${unit}, got ${shown(v)}`);
    }
    sum = sum.plus(d);
  }
  return ok(sum);
}
