import type { SimReading } from './wire-format.js';

/** Every kind of meter event the simulator can inject (docs/design.md §8 "Register spans"). */
export const METER_EVENT_KINDS = ['reset', 'wrap', 'jitter', 'exchange'] as const;

/** One kind of meter event. */
export type MeterEventKind = (typeof METER_EVENT_KINDS)[number];

/**
 * Something a meter's counter does at a reading time `at` (an interval boundary), which a receiver
 * with the meter's rules set accordingly must store rather than reject:
 * - `reset`: the counter restarts from 0 right after the reading at `at` (rule `new-span`);
 * - `wrap`: the register passes `registerMaxWh` between the reading before `at` and the one at
 *   `at`, and reads on from 0 (rule `registerMaxWh`); a meter that consumed nothing in that
 *   interval wraps at its next consumption instead;
 * - `jitter`: the reading at `at` is `dipWh` below the previous one, then the meter is back on
 *   track (rule `decreaseToleranceWh` >= `dipWh`);
 * - `exchange`: the meter is replaced at `at` (a quarter hour) by `newMeterId`, whose index starts
 *   at `startImportWh`; the simulator asks the API for it, then publishes the new meter.
 */
export type MeterEvent =
  | { readonly kind: 'reset'; readonly meterId: string; readonly at: number }
  | {
      readonly kind: 'wrap';
      readonly meterId: string;
      readonly at: number;
      readonly registerMaxWh: number;
    }
  | {
      readonly kind: 'jitter';
      readonly meterId: string;
      readonly at: number;
      readonly dipWh: number;
    }
  | {
      readonly kind: 'exchange';
      readonly meterId: string;
      readonly at: number;
      readonly newMeterId: string;
      readonly startImportWh: number;
    };

/** What `POST /v1/meters/{id}/exchange` needs (docs/design.md §8 "A meter exchange"). */
export interface ExchangeRequest {
  readonly meterId: string;
  readonly at: number;
  readonly finalIndex: { readonly importWh: number; readonly exportWh?: number | undefined };
  readonly newMeterId: string;
  readonly startIndex: { readonly importWh: number; readonly exportWh?: number | undefined };
}

/** Carries out an exchange (the API, or the ledger directly in the demo); throws when refused. */
export type MeterExchanger = (request: ExchangeRequest) => Promise<void>;

/** Default register maximum of a simulated wrap: 100 kWh, so it wraps within a demo run. */
export const DEFAULT_WRAP_MAX_WH = 100_000;

/** Default dip of a simulated jitter, Wh. */
export const DEFAULT_JITTER_DIP_WH = 3;

type ReadingAt = (ts: number) => SimReading;

const mod = (x: number, m: number) => ((x % m) + m) % m;

/** A reading with `sub` Wh taken off each register (exact values too, so floors stay floors). */
function minus(r: SimReading, subImport: number, subExport: number): SimReading {
  return {
    ...r,
    importWh: r.importWh - subImport,
    ...(r.exportWh === undefined ? {} : { exportWh: r.exportWh - subExport }),
    ...(r.exactImportWh === undefined ? {} : { exactImportWh: r.exactImportWh - subImport }),
    ...(r.exactExportWh === undefined ? {} : { exactExportWh: r.exactExportWh - subExport }),
  };
}

function resetLayer(at: number, inner: ReadingAt): ReadingAt {
  return (ts) => {
    const r = inner(ts);
    if (ts <= at) return r;
    const base = inner(at);
    return minus(r, base.importWh, base.exportWh ?? 0);
  };
}

function wrapLayer(at: number, max: number, intervalMs: number, inner: ReadingAt): ReadingAt {
  // The register reads `max - 1` at the reading before `at`: the next Wh takes it past the maximum.
  const before = inner(at - intervalMs);
  const shift = (v: number, atBefore: number) => {
    const shifted = mod(v - atBefore + max - 1, max);
    return v - shifted;
  };
  return (ts) => {
    const r = inner(ts);
    return minus(
      r,
      shift(r.importWh, before.importWh),
      r.exportWh === undefined ? 0 : shift(r.exportWh, before.exportWh ?? 0),
    );
  };
}

function jitterLayer(at: number, dipWh: number, intervalMs: number, inner: ReadingAt): ReadingAt {
  return (ts) => {
    const r = inner(ts);
    if (ts !== at) return r;
    const prev = inner(at - intervalMs);
    const importWh = Math.max(0, prev.importWh - dipWh);
    return {
      ...r,
      importWh,
      exactImportWh: importWh,
      ...(prev.exportWh === undefined
        ? {}
        : { exportWh: prev.exportWh, exactExportWh: prev.exportWh }),
    };
  };
}

/**
 * A meter's readings shifted so that at `at` they read `start`: the new meter of an exchange, in
 * the same home, counting from its start index what the old one would have counted.
 */
export function rebaseReadings(
  at: number,
  start: { readonly importWh: number; readonly exportWh: number },
  inner: ReadingAt,
): ReadingAt {
  const base = inner(at);
  return (ts) => {
    const r = inner(ts);
    return {
      ...minus(r, base.importWh - start.importWh, (base.exportWh ?? 0) - start.exportWh),
      meterId: r.meterId,
    };
  };
}

/**
 * A meter's readings as its device shows them, given its reset, wrap and jitter events (in the
 * order given, each on the result of the ones before). The readings a receiver stores are the
 * meter's continuous index (docs/design.md §8 "One continuous index"): its increases are those of
 * `trueAt`, whatever the events did to the device's values. Exchanges do not change the values.
 */
export function applyMeterEvents(
  events: readonly MeterEvent[],
  intervalMs: number,
  trueAt: ReadingAt,
): ReadingAt {
  let at = trueAt;
  for (const e of events) {
    if (e.kind === 'reset') at = resetLayer(e.at, at);
    else if (e.kind === 'wrap') at = wrapLayer(e.at, e.registerMaxWh, intervalMs, at);
    else if (e.kind === 'jitter') at = jitterLayer(e.at, e.dipWh, intervalMs, at);
  }
  return at;
}

/**
 * Parse `--event kind:meterId@when[,key=value...]`: `reset:sim-0002@-1d`,
 * `wrap:sim-0003@-12h,max=100000`, `jitter:sim-0004@-6h,dip=3`,
 * `exchange:sim-0005@-2h,new=sim-0005b,start=0`. `when` is read by `parseWhen` and aligned to the
 * interval by the caller.
 */
export function parseMeterEvent(spec: string, parseWhen: (s: string) => number): MeterEvent {
  const m = /^(\w+):([^@\s]+)@([^,]+)((?:,[a-z]+=[^,]+)*)$/.exec(spec.trim());
  if (!m)
    throw new RangeError(
      `not a meter event: ${JSON.stringify(spec)} (use kind:meterId@when[,key=value], e.g. reset:sim-0002@-1d)`,
    );
  const [, kind = '', meterId = '', when = '', rest = ''] = m;
  const params = new Map(
    rest
      .split(',')
      .filter((p) => p !== '')
      .map((p) => p.split('=') as [string, string]),
  );
  const at = parseWhen(when);
  const whole = (key: string, dflt: number | undefined, min: number): number => {
    const v = params.get(key);
    if (v === undefined) {
      if (dflt === undefined) throw new RangeError(`${kind} needs ${key}=`);
      return dflt;
    }
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new RangeError(`${key} must be a whole number >= ${min}, not ${JSON.stringify(v)}`);
    return n;
  };
  const allow = (...keys: string[]) => {
    for (const k of params.keys())
      if (!keys.includes(k)) throw new RangeError(`${kind} takes no ${k}=`);
  };
  switch (kind) {
    case 'reset':
      allow();
      return { kind, meterId, at };
    case 'wrap':
      allow('max');
      return { kind, meterId, at, registerMaxWh: whole('max', DEFAULT_WRAP_MAX_WH, 2) };
    case 'jitter':
      allow('dip');
      return { kind, meterId, at, dipWh: whole('dip', DEFAULT_JITTER_DIP_WH, 1) };
    case 'exchange': {
      allow('new', 'start');
      const newMeterId = params.get('new');
      if (newMeterId === undefined) throw new RangeError('exchange needs new=<new meter id>');
      return { kind, meterId, at, newMeterId, startImportWh: whole('start', 0, 0) };
    }
    default:
      throw new RangeError(
        `unknown meter event ${JSON.stringify(kind)} (known: ${METER_EVENT_KINDS.join(', ')})`,
      );
  }
}
