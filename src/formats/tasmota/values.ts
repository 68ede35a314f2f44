import { Decimal } from 'decimal.js';
import type { RejectionReason } from '../../ingest/rejection.js';
import { decimalText, registerWh } from '../decimal-units.js';
import type { FormatRejection } from '../device-format.js';

/** A step of parsing: its value, or the rejection that ends the message. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | ({ readonly ok: false } & FormatRejection);

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = (reason: RejectionReason, detail: string): Parsed<never> => ({
  ok: false,
  reason,
  detail,
});

/** What one Tasmota source (TIC, a sensor group, ENERGY) contributes to a reading. */
export interface Counters {
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
  readonly registers?: Readonly<Record<string, number>> | undefined;
  readonly counterStart?: string | undefined;
}

/** A JSON object (not an array, not null): the only shape a Tasmota message or group has. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A key's value only when the object itself holds it: names from the payload or from `source`
 * (`__proto__`, `constructor`) never reach Object.prototype.
 */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Absent and JSON null both mean "not sent". */
export const isAbsent = (value: unknown): value is undefined | null =>
  value === undefined || value === null;

/**
 * A short, safe description of a value for a rejection detail: never serialises a nested value
 * (a deep array would overflow the stack of JSON.stringify).
 */
// Half away from zero with room for every digit a device sends, as in decimal-units.ts.
const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `an ${typeof value}`;
}

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
