import { createFaultInjector, type FaultInjector } from './faults.js';
import type { FaultRates, OutgoingItem } from './injected-faults.js';
import type { MeterDefinition } from './fleet.js';
import {
  deviceFaultPayloads,
  planDeviceMessages,
  type DeviceSender,
} from './formats/device-plan.js';
import { createMeterState, type MeterState } from './meter-state.js';
import type { ExchangeRequest, MeterEvent } from './meter-events.js';
import { alignDown } from './interval.js';
import { REGISTER_EPOCH } from './register-model.js';
import { planMessages, type PlannedMessage, type SenderFormat } from './message-plan.js';
import { hashString, hashUnit } from './prng.js';
import type { SimReading } from './wire-format.js';

/**
 * `catchUp` sends everything as backlog arrays; `live` sends one reading per
 * message, except after an outage.
 */
export type Phase = 'catchUp' | 'live';

/** Options of {@link createFleetStepper}. */
export interface FleetStepperOptions {
  readonly fleet: readonly MeterDefinition[];
  readonly intervalMs: number;
  /** First reading time (aligned down to the interval). */
  readonly startTs: number;
  readonly seed: number;
  readonly faults?: FaultRates | undefined;
  /** Probability per live reading that the meter then goes offline for 2–48 intervals. */
  readonly outageRate?: number | undefined;
  /** Keep the list of injected faults (default true). */
  readonly track?: boolean | undefined;
  /** Meter events to inject (meter-events.ts); an exchange adds its new meter to the fleet. */
  readonly events?: readonly MeterEvent[] | undefined;
}

/** The whole fleet moving through simulated time, turning readings into messages. */
export interface FleetStepper {
  readonly injector: FaultInjector;
  /**
   * The exchanges of the run, by `at`: each must be carried out once the fleet has stepped to its
   * `at` and before it steps further (the new meter reads from the next interval on).
   */
  readonly exchanges: readonly ExchangeRequest[];
  /** The earliest timestamp any meter will read next. */
  nextTs(): number;
  /** Timestamp of the latest reading produced, if any. */
  lastTs(): number | undefined;
  /** Outages started so far. */
  outages(): number;
  /** Readings a device without a time of its own could not send (they were past). */
  unsent(): number;
  /**
   * Advance every meter to `simTime` (at most `maxPerMeter` readings each) and yield each meter's
   * messages in turn, lazily, so a big fleet's backlog is never all in memory.
   */
  step(
    simTime: number,
    sendingNow: number,
    phase: Phase,
    maxPerMeter?: number,
  ): Generator<PlannedMessage[]>;
  /** End of run: every meter comes back online and releases what it still holds, as backlog. */
  finish(sendingNow: number): Generator<PlannedMessage[]>;
}

interface Unit {
  readonly state: MeterState;
  readonly sender: SenderFormat;
  /** Set when the meter speaks a device format. */
  readonly device: DeviceSender | undefined;
  readonly hash: number;
  offlineUntil: number | undefined;
  buffer: SimReading[];
}

const OUTAGE_SALT = 31;
const QUARTER_HOUR_MS = 900_000;

/**
 * Build the stepper. Outage decisions, like fault decisions, are hashes of (seed, meter, ts), so a
 * run is reproducible whatever the pacing of the loop around it.
 */
export function createFleetStepper(opts: FleetStepperOptions): FleetStepper {
  const outageRate = opts.outageRate ?? 0;
  let outages = 0;
  let unsent = 0;
  let lastTs: number | undefined;
  // Events happen at reading times; an exchange at a quarter hour too (billing prices whole ones).
  const events = (opts.events ?? []).map((e) => ({
    ...e,
    at: alignDown(
      e.at,
      e.kind === 'exchange' ? Math.max(opts.intervalMs, QUARTER_HOUR_MS) : opts.intervalMs,
    ),
  }));
  const exchangeOf = new Map(
    events.flatMap((e) => (e.kind === 'exchange' ? [[e.meterId, e] as const] : [])),
  );
  // The new meter of an exchange: the same home, wattledger's own format, its index from the start
  // index given at the exchange, reading from the interval after it.
  const fleet: MeterDefinition[] = [...opts.fleet];
  const starts = new Map<string, MeterEvent & { kind: 'exchange' }>();
  for (const meter of opts.fleet) {
    const x = exchangeOf.get(meter.meterId);
    if (x === undefined) continue;
    fleet.push({ ...meter, meterId: x.newMeterId, device: undefined });
    starts.set(x.newMeterId, x);
  }
  const startOf = (x: (MeterEvent & { kind: 'exchange' }) | undefined) =>
    x === undefined
      ? { startTs: opts.startTs }
      : {
          startTs: Math.max(opts.startTs, x.at + opts.intervalMs),
          rebase: { at: x.at, importWh: x.startImportWh, exportWh: 0 },
        };
  const units: Unit[] = fleet.map((meter) => ({
    state: createMeterState(meter, {
      intervalMs: opts.intervalMs,
      ...startOf(starts.get(meter.meterId)),
      events: events.filter((e) => e.meterId === meter.meterId && e.kind !== 'exchange'),
      endTs: exchangeOf.get(meter.meterId)?.at,
    }),
    sender: {
      meterId: meter.meterId,
      tsFormat: meter.tsFormat,
      utcOffsetMinutes: meter.profile.utcOffsetMinutes,
    },
    device:
      meter.device === undefined
        ? undefined
        : {
            meterId: meter.meterId,
            device: meter.device,
            installedAt: meter.installedAt ?? REGISTER_EPOCH,
            seed: opts.seed,
            intervalMs: opts.intervalMs,
          },
    hash: hashString(meter.meterId),
    offlineUntil: undefined,
    buffer: [],
  }));
  const exchanges: ExchangeRequest[] = [...exchangeOf.values()]
    .sort((a, b) => a.at - b.at)
    .flatMap((x) => {
      const old = units.find((u) => u.sender.meterId === x.meterId);
      if (old === undefined) return [];
      const final = old.state.readingAt(x.at);
      const solar = final.exportWh !== undefined;
      return [
        {
          meterId: x.meterId,
          at: x.at,
          finalIndex: { importWh: final.importWh, ...(solar ? { exportWh: final.exportWh } : {}) },
          newMeterId: x.newMeterId,
          startIndex: { importWh: x.startImportWh, ...(solar ? { exportWh: 0 } : {}) },
        },
      ];
    });
  const devices = new Map(
    units.flatMap((u) => (u.device === undefined ? [] : [[u.sender.meterId, u.device] as const])),
  );
  // The reading before each event goes out in order: a reset after the reading at `at`, a wrap or
  // a jitter at `at` after the one before.
  const inOrder = new Set(
    events.flatMap((e) =>
      e.kind === 'exchange'
        ? []
        : [`${e.meterId}@${e.kind === 'reset' ? e.at : e.at - opts.intervalMs}`],
    ),
  );
  const injector = createFaultInjector({
    rates: opts.faults,
    seed: opts.seed,
    intervalMs: opts.intervalMs,
    track: opts.track,
    keepInOrder: (meterId, ts) => inOrder.has(`${meterId}@${ts}`),
    decreaseStored: (meterId) => events.some((e) => e.meterId === meterId && e.kind !== 'exchange'),
    payloadsFor: (meterId) => {
      const device = devices.get(meterId);
      return device === undefined ? undefined : deviceFaultPayloads(device);
    },
  });

  /** A meter's outgoing items as messages: the MQTT contract's, or its device's. */
  const plan = (
    u: Unit,
    items: readonly OutgoingItem[],
    backlog: boolean,
    now: number,
  ): PlannedMessage[] => {
    if (u.device === undefined) return planMessages(u.sender, items, backlog);
    const planned = planDeviceMessages(u.device, items, now);
    unsent += planned.unsent;
    return planned.messages;
  };
  const send = (
    u: Unit,
    readings: readonly SimReading[],
    backlog: boolean,
    now: number,
  ): PlannedMessage[] =>
    readings.length === 0
      ? []
      : plan(u, injector.process(u.sender.meterId, readings, now), backlog, now);

  function live(u: Unit, readings: readonly SimReading[], now: number): PlannedMessage[] {
    const out: PlannedMessage[] = [];
    for (const r of readings) {
      if (u.offlineUntil !== undefined && r.ts < u.offlineUntil) {
        u.buffer.push(r);
        continue;
      }
      u.offlineUntil = undefined;
      if (u.buffer.length > 0) {
        out.push(...send(u, [...u.buffer.splice(0), r], true, now));
      } else {
        out.push(...send(u, [r], false, now));
      }
      if (outageRate > 0 && hashUnit(opts.seed, OUTAGE_SALT, u.hash, r.ts) < outageRate) {
        const intervals = 2 + Math.floor(hashUnit(opts.seed, OUTAGE_SALT + 1, u.hash, r.ts) * 47);
        u.offlineUntil = r.ts + intervals * opts.intervalMs;
        outages += 1;
      }
    }
    return out;
  }

  return {
    injector,
    exchanges,
    nextTs: () => units.reduce((min, u) => Math.min(min, u.state.nextTs), Number.POSITIVE_INFINITY),
    lastTs: () => lastTs,
    outages: () => outages,
    unsent: () => unsent,
    *step(simTime, sendingNow, phase, maxPerMeter) {
      for (const u of units) {
        const readings = u.state.advanceTo(simTime, maxPerMeter);
        const last = readings.at(-1);
        if (last !== undefined && (lastTs === undefined || last.ts > lastTs)) lastTs = last.ts;
        const msgs =
          phase === 'catchUp' ? send(u, readings, true, sendingNow) : live(u, readings, sendingNow);
        if (msgs.length > 0) yield msgs;
      }
    },
    *finish(sendingNow) {
      for (const u of units) {
        u.offlineUntil = undefined;
        const items = [
          ...injector.process(u.sender.meterId, u.buffer.splice(0), sendingNow),
          ...injector.release(u.sender.meterId),
        ];
        const msgs = plan(u, items, true, sendingNow);
        if (msgs.length > 0) yield msgs;
      }
    },
  };
}
