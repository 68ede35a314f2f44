import type { MeterDefinition } from './fleet.js';
import { DEFAULT_INTERVAL_MS, alignDown } from './interval.js';
import { applyMeterEvents, rebaseReadings, type MeterEvent } from './meter-events.js';
import {
  REGISTER_EPOCH,
  createRegisterModel,
  type RegisterModel,
  type RegisterValues,
} from './register-model.js';
import type { SimReading } from './wire-format.js';

/** One meter moving through simulated time, one reading per interval boundary. */
export interface MeterState {
  readonly meter: MeterDefinition;
  readonly intervalMs: number;
  /** Timestamp of the next reading this meter will produce. */
  readonly nextTs: number;
  /** The latest reading produced, if any. */
  readonly last: SimReading | undefined;
  /**
   * Produce the readings of every boundary from `nextTs` up to and including `simTime`, in order,
   * at most `max` of them (the rest come on the next call).
   */
  advanceTo(simTime: number, max?: number): SimReading[];
  /** The reading this meter takes at `ts` (any instant), without moving the state. */
  readingAt(ts: number): SimReading;
  /** The integer registers at `t`. */
  registersAt(t: number): RegisterValues;
}

/** Options of {@link createMeterState}. */
export interface MeterStateOptions {
  /** Reading interval, ms; default 15 minutes. */
  readonly intervalMs?: number;
  /** First reading time; aligned down to the interval (and never before the installation). */
  readonly startTs: number;
  /** The meter's reset, wrap and jitter events: its readings are what its device shows. */
  readonly events?: readonly MeterEvent[] | undefined;
  /** No reading at or after this instant (a meter exchanged out); default none. */
  readonly endTs?: number | undefined;
  /** The registers read these values at `at` (the new meter of an exchange); default as counted. */
  readonly rebase?:
    { readonly at: number; readonly importWh: number; readonly exportWh: number } | undefined;
}

/**
 * Per-meter state. Registers come from a {@link RegisterModel}, so the reading at a given ts is the
 * same whatever `startTs` was: restarting a simulation never sends a lower index than before.
 */
export function createMeterState(meter: MeterDefinition, opts: MeterStateOptions): MeterState {
  const intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  const model: RegisterModel = createRegisterModel(
    meter.profile,
    meter.initialRegisters,
    meter.installedAt ?? REGISTER_EPOCH,
  );
  // A meter reads nothing before its installation: start at the first boundary at or after it.
  const installed =
    meter.installedAt === undefined
      ? Number.NEGATIVE_INFINITY
      : -alignDown(-meter.installedAt, intervalMs);
  const endTs = opts.endTs ?? Number.POSITIVE_INFINITY;
  let nextTs = Math.max(alignDown(opts.startTs, intervalMs), installed);
  let last: SimReading | undefined;

  function trueReadingAt(ts: number): SimReading {
    const now = model.exactAt(ts);
    const from = Math.max(model.epoch, ts - intervalMs);
    const before = model.exactAt(from);
    const netWh = now.importWh - before.importWh - (now.exportWh - before.exportWh);
    const powerW = ts > from ? Math.round((netWh * 3_600_000 * 10) / (ts - from)) / 10 : 0;
    const importWh = Math.floor(now.importWh);
    const exact = { exactImportWh: now.importWh };
    return meter.solar
      ? {
          meterId: meter.meterId,
          ts,
          importWh,
          exportWh: Math.floor(now.exportWh),
          powerW,
          ...exact,
          exactExportWh: now.exportWh,
        }
      : { meterId: meter.meterId, ts, importWh, powerW, ...exact };
  }

  const events = opts.events ?? [];
  const counted =
    opts.rebase === undefined
      ? trueReadingAt
      : rebaseReadings(opts.rebase.at, opts.rebase, trueReadingAt);
  const readingAt = events.length === 0 ? counted : applyMeterEvents(events, intervalMs, counted);

  return {
    meter,
    intervalMs,
    get nextTs() {
      return nextTs >= endTs ? Number.POSITIVE_INFINITY : nextTs;
    },
    get last() {
      return last;
    },
    advanceTo(simTime, max = Number.POSITIVE_INFINITY) {
      const out: SimReading[] = [];
      while (nextTs <= simTime && nextTs < endTs && out.length < max) {
        last = readingAt(nextTs);
        out.push(last);
        nextTs += intervalMs;
      }
      return out;
    },
    readingAt,
    registersAt: (t) => model.at(t),
  };
}
