import { Decimal } from 'decimal.js';
import { registerWh, scaledInteger } from '../decimal-units.js';

/** A value group `001581.123*kWh` as its number text and unit. */
const QUANTITY = /^(\d+(?:\.\d+)?)\*([A-Za-z]+)$/;

export type ValueResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/**
 * An energy register in integer Wh, with the unit read from the line itself (`*kWh` on DSMR meters,
 * `*Wh` on some Sagemcom T210-D meters): kWh become Wh by decimal arithmetic on the digits.
 */
export function registerValue(obis: string, text: string): ValueResult<number> {
  const m = QUANTITY.exec(text);
  if (m === null)
    return bad(obis, `'${clip(text)}' is not a decimal with a unit (e.g. 001234.567*kWh)`);
  const unit = m[2]!.toLowerCase();
  if (unit !== 'kwh' && unit !== 'wh')
    return bad(obis, `unit '${clip(m[2]!)}' is neither kWh nor Wh`);
  const wh = registerWh(m[1]!, unit === 'kwh' ? 'kWh' : 'Wh');
  if (wh === undefined) return bad(obis, `'${clip(m[1]!)}' is too large for a register`);
  return { ok: true, value: wh };
}

/** An active power in W, as a decimal (kW scale by 1000 on the digits; W as they are). */
export function powerValue(obis: string, text: string): ValueResult<Decimal> {
  const m = QUANTITY.exec(text);
  if (m === null) return bad(obis, `'${clip(text)}' is not a decimal with a unit (e.g. 01.193*kW)`);
  const unit = m[2]!.toLowerCase();
  if (unit !== 'kw' && unit !== 'w') return bad(obis, `unit '${clip(m[2]!)}' is neither kW nor W`);
  const w = new Decimal(m[1]!).times(unit === 'kw' ? 1000 : 1);
  return { ok: true, value: w };
}

/**
 * An active power in whole W when its text is exactly that: kW with at most three decimals (what
 * DSMR prescribes) or W without any, read on its digits. Undefined otherwise (a Decimal reads it).
 */
export function wholeWatts(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (m === null) return undefined;
  const digits = m[1]!;
  const point = digits.indexOf('.');
  const decimals = point < 0 ? 0 : digits.length - point - 1;
  const unit = m[2]!.toLowerCase();
  if (unit === 'kw' && decimals <= 3) return scaledInteger(digits, 3);
  if (unit === 'w' && decimals === 0) return scaledInteger(digits, 0);
  return undefined;
}

/**
 * The registers a meter reads on, by OBIS name. A meter with tariff registers (`1.8.1`, `1.8.2`,
 * …) reads on those, and a total `1.8.0` it may print beside them is their sum, not another
 * register; a meter with the total alone (Luxembourg's Smarty) reads on `1.8.0`.
 */
export function registersOf(
  texts: ReadonlyMap<string, string>,
): ValueResult<Record<string, number> | undefined> {
  if (texts.size === 0) return { ok: true, value: undefined };
  const tariffs: string[] = [];
  for (const name of texts.keys()) if (!name.endsWith('.0')) tariffs.push(name);
  if (tariffs.length > 1) tariffs.sort(byTariff);
  const registers: Record<string, number> = {};
  for (const name of tariffs.length > 0 ? tariffs : texts.keys()) {
    const r = registerValue(`1-0:${name}`, texts.get(name)!);
    if (!r.ok) return r;
    registers[name] = r.value;
  }
  return { ok: true, value: registers };
}

/** The sum of registers, or undefined if it leaves the safe integers. */
export function sumOf(registers: Readonly<Record<string, number>>): number | undefined {
  let sum = 0;
  for (const wh of Object.values(registers)) sum += wh;
  return Number.isSafeInteger(sum) ? sum : undefined;
}

const byTariff = (a: string, b: string) => Number(a.split('.')[2]) - Number(b.split('.')[2]);

const clip = (s: string) => (s.length > 32 ? `${s.slice(0, 32)}…` : s);

const bad = <T>(obis: string, problem: string): ValueResult<T> => ({
  ok: false,
  detail: `${obis}: ${problem}`,
});
