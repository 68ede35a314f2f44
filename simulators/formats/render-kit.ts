import { DateTime } from 'luxon';
import { resolveLocalTime, type LocalFields } from '../../src/formats/local-time.js';
import { hashString, hashUnit } from '../prng.js';

/** A wall-clock time in a zone, with whether summer time is in force and the offset, minutes. */
export interface WallClock extends Required<LocalFields> {
  readonly summer: boolean;
  readonly offsetMinutes: number;
}

/** The wall clock of `zone` at instant `ts`. */
export function wallClock(ts: number, zone: string): WallClock {
  const d = DateTime.fromMillis(ts, { zone });
  if (!d.isValid) throw new RangeError(`${zone} is not an IANA time zone`);
  return {
    year: d.year,
    month: d.month,
    day: d.day,
    hour: d.hour,
    minute: d.minute,
    second: d.second,
    millisecond: d.millisecond,
    summer: d.isInDST,
    offsetMinutes: d.offset,
  };
}

/**
 * Whether a wall time written without an offset names two instants in `zone` (the hour repeated
 * when clocks go back): a receiver cannot tell which one was meant.
 */
export const isAmbiguous = (w: LocalFields, zone: string): boolean =>
  resolveLocalTime(
    { year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second },
    zone,
  ).kind === 'ambiguous';

export const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DDThh:mm:ss` (seconds, no offset), as Tasmota and zigbee2mqtt write local times. */
export const localIso = (w: LocalFields): string =>
  `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;

/** An offset in minutes as `+01:00`. */
export function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Integer Wh as kWh text with `decimals` digits (3: to the Wh; 2: to 10 Wh, the caller passes a
 * multiple of 10), by integer arithmetic on the digits, never a float divided by 1000.
 */
export function kwhText(wh: number, decimals: 2 | 3 = 3, intDigits = 1): string {
  if (!Number.isSafeInteger(wh) || wh < 0) throw new RangeError(`not a register: ${wh}`);
  const whole = pad(Math.floor(wh / 1000), intDigits);
  const frac = pad(wh % 1000, 3);
  return `${whole}.${decimals === 3 ? frac : frac.slice(0, 2)}`;
}

/** A register in Wh with its 3 decimals: the exact count when it belongs to `wh`, else `wh.000`. */
export function whWithFraction(wh: number, exact: number | undefined): string {
  return exact !== undefined && Number.isFinite(exact) && Math.floor(exact) === wh
    ? exact.toFixed(3)
    : `${wh}.000`;
}

/** A decision of a device's behaviour at one reading: uniform in [0, 1) from (seed, kind, meter, ts). */
export const roll = (seed: number, salt: number, meterId: string, ts: number): number =>
  hashUnit(seed, salt, hashString(meterId), ts);

/** A per-meter choice (a device's settings): uniform in [0, 1) from (seed, kind, meter). */
export const meterRoll = (seed: number, salt: number, meterId: string): number =>
  hashUnit(seed, salt, hashString(meterId));

/** A JSON number written with exactly `decimals` digits, as firmware prints fixed-point values. */
export const fixed = (x: number, decimals: number): string => (x + 0).toFixed(decimals);
