import { InvalidArgumentError } from 'commander';
import { IANAZone } from 'luxon';
import { SIM_FORMATS, type SimFormat } from './formats/device.js';
import { FAULT_KINDS, type FaultKind, type FaultRates } from './injected-faults.js';
import { parseInterval } from './interval.js';

/** Broker URL when neither `--mqtt` nor MQTT_URL says otherwise. */
export const DEFAULT_MQTT_URL = 'mqtt://127.0.0.1:1883';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

function isKind(k: string): k is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(k);
}

/**
 * An instant from the command line: `now`, relative (`-60d`, `-12h`, `+30m`, `-2w`, `-90s`),
 * RFC 3339 (`2026-10-01T00:00:00Z`, `2026-10-01` is UTC midnight) or epoch milliseconds.
 */
export function parseWhen(input: string, now: number): number {
  const s = input.trim();
  if (s === 'now') return now;
  const rel = /^([+-])(\d+(?:\.\d+)?)([smhdw])$/.exec(s);
  if (rel) {
    const [, sign, n, unit] = rel;
    return now + (sign === '-' ? -1 : 1) * Math.round(Number(n) * (UNIT_MS[unit ?? ''] ?? NaN));
  }
  if (/^\d{10,}$/.test(s)) return Number(s);
  const t = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i.test(s)
    ? Date.parse(s)
    : NaN;
  if (Number.isNaN(t))
    throw new InvalidArgumentError(
      `not a date: ${JSON.stringify(input)} (use RFC 3339, e.g. 2026-10-01T00:00:00Z, or relative, e.g. -60d)`,
    );
  return t;
}

/**
 * Fault rates: `duplicate=0.01,malformed=0.005`; `all=0.01` sets every kind (later entries
 * override). Kinds: duplicate, outOfOrder, late, malformed, registerDecrease, clockSkew.
 */
export function parseFaultRates(spec: string): FaultRates {
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [kind = '', value = ''] = part.split('=').map((p) => p.trim());
    const rate = parseProbability(value);
    if (kind === 'all') for (const k of FAULT_KINDS) rates[k] = rate;
    else if (isKind(kind)) rates[kind] = rate;
    else
      throw new InvalidArgumentError(
        `unknown fault kind ${JSON.stringify(kind)} (known: all, ${FAULT_KINDS.join(', ')})`,
      );
  }
  return rates;
}

/** A probability in [0, 1]. */
export function parseProbability(value: string): number {
  const p = /^\d*\.?\d+(e-?\d+)?$/i.test(value.trim()) ? Number(value) : NaN;
  if (!(p >= 0 && p <= 1))
    throw new InvalidArgumentError(`not a probability in [0, 1]: ${JSON.stringify(value)}`);
  return p;
}

/** A whole number >= 1 (meter counts). */
export function parsePositiveInt(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`not a whole number >= 1: ${JSON.stringify(value)}`);
  return n;
}

/** A 32-bit seed: any integer (taken modulo 2^32). */
export function parseSeed(value: string): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n))
    throw new InvalidArgumentError(`not an integer seed: ${JSON.stringify(value)}`);
  return n >>> 0;
}

/** A speed factor > 0. */
export function parseSpeed(value: string): number {
  const x = Number(value);
  if (!(x > 0 && Number.isFinite(x)))
    throw new InvalidArgumentError(`not a positive speed: ${JSON.stringify(value)}`);
  return x;
}

/** An interval name or ms, checked early so a typo fails before connecting. */
export function parseIntervalOption(value: string): string {
  try {
    parseInterval(value);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
  return value;
}

/**
 * Connection defaults from the same variables the service reads, so a
 * password need not appear in `ps`.
 */
export function mqttEnvDefaults(env: Record<string, string | undefined> = process.env): {
  url: string;
  username: string | undefined;
  password: string | undefined;
} {
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  return {
    url: nonEmpty(env.MQTT_URL) ?? DEFAULT_MQTT_URL,
    username: nonEmpty(env.MQTT_USERNAME),
    password: nonEmpty(env.MQTT_PASSWORD),
  };
}

/** One of the formats the simulator speaks. */
export function parseFormat(value: string): SimFormat {
  const v = value.trim();
  if (!(SIM_FORMATS as readonly string[]).includes(v))
    throw new InvalidArgumentError(
      `unknown format ${JSON.stringify(value)} (known: ${SIM_FORMATS.join(', ')})`,
    );
  return v as SimFormat;
}

/** An IANA time zone name, e.g. Europe/Paris. */
export function parseTimezone(value: string): string {
  const v = value.trim();
  if (!IANAZone.isValidZone(v))
    throw new InvalidArgumentError(`not an IANA time zone: ${JSON.stringify(value)}`);
  return v;
}

/** A device topic template: an MQTT topic name with `{id}` for the meter id. */
export function parseTopicTemplate(value: string): string {
  if (!value.includes('{id}'))
    throw new InvalidArgumentError(
      `the topic must name the meter with {id}, e.g. tele/{id}/SENSOR: ${JSON.stringify(value)}`,
    );
  if (/[+#]/.test(value) || value.includes('\u0000'))
    throw new InvalidArgumentError(
      `a topic to publish on has no wildcard: ${JSON.stringify(value)}`,
    );
  return value;
}

/**
 * Where the simulator asks for meter exchanges, from the environment, so the key need not appear
 * in `ps`.
 */
export function apiEnvDefaults(env: Record<string, string | undefined> = process.env): {
  url: string | undefined;
  key: string | undefined;
} {
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
  return { url: nonEmpty(env.WATTLEDGER_API_URL), key: nonEmpty(env.WATTLEDGER_API_KEY) };
}
