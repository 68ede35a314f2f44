import { hashString } from './prng.js';
import { WATTLEDGER_FAULT_PAYLOADS, type FaultPayloads } from './fault-payloads.js';
import { faultRoll } from './fault-roll.js';
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultRates,
  type InjectedFault,
  type OutgoingItem,
} from './injected-faults.js';
import { readingKey, type SimReading } from './wire-format.js';

/** How far ahead of the sending clock a skewed timestamp is. */
export const CLOCK_SKEW_MS = 3_600_000;

/** Options of {@link createFaultInjector}. */
export interface FaultInjectorOptions {
  readonly rates?: FaultRates | undefined;
  readonly seed: number;
  readonly intervalMs: number;
  /** Keep the list of injected faults (default true); counts are always kept. */
  readonly track?: boolean | undefined;
  /** How each meter writes faulty messages; default the MQTT contract's format for every meter. */
  readonly payloadsFor?: ((meterId: string) => FaultPayloads | undefined) | undefined;
  /**
   * Meters whose rules store a decrease (a reset, wrap or jitter meter): a register decrease sent
   * to them would be stored as a new span, a wrap or a dip, not rejected, so none is injected.
   */
  readonly decreaseStored?: ((meterId: string) => boolean) | undefined;
  /**
   * Readings never held back (late, out of order): the last reading before a meter event, which
   * must be stored before the event's reading arrives, else that reading is checked against the
   * reading before it and read as something else.
   */
  readonly keepInOrder?: ((meterId: string, ts: number) => boolean) | undefined;
}

/** Turns each meter's stream of readings into what is actually sent. */
export interface FaultInjector {
  /**
   * Pass a meter's next readings (ascending ts, continuing the previous call's) through the
   * injector. `sendingNow` is the sender's clock, for skewed timestamps.
   */
  process(meterId: string, readings: readonly SimReading[], sendingNow: number): OutgoingItem[];
  /**
   * Every reading still held back for this meter (late or out of order), in
   * ts order: call at the end.
   */
  release(meterId: string): OutgoingItem[];
  /** Number of readings currently held back, over all meters. */
  heldCount(): number;
  readonly counts: Readonly<Record<FaultKind, number>>;
  readonly injected: readonly InjectedFault[];
}

interface Held {
  readonly reading: SimReading;
  readonly releaseAt: number;
}

interface MeterFaultState {
  readonly hash: number;
  readonly payloads: FaultPayloads;
  readonly decreaseStored: boolean;
  held: Held[];
  skews: number;
}

const HOUR_MS = 3_600_000;

/**
 * Opt-in fault injection. Each decision is a hash of (seed, kind, meter, ts), so the same run
 * injects the same faults however the simulation loop groups its work.
 *
 * - duplicate: the same reading sent again right after (must be stored once).
 * - outOfOrder: held back until the next reading has gone out (valid, must be stored).
 * - late: held back 2–24 h of simulated time (valid, must be stored).
 * - malformed: a message that is not JSON, or breaks the schema (own message, never
 *   mixed with valid readings).
 * - registerDecrease: a reading 1 minute (at most half an interval) after the latest one sent, with
 *   a lower importWh; the real register does not move.
 * - clockSkew: the latest registers stamped one hour (and a bit) ahead of the sending clock.
 */
export function createFaultInjector(opts: FaultInjectorOptions): FaultInjector {
  const rates = opts.rates ?? {};
  const track = opts.track ?? true;
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const injected: InjectedFault[] = [];
  const meters = new Map<string, MeterFaultState>();
  let held = 0;

  const stateOf = (meterId: string): MeterFaultState => {
    let s = meters.get(meterId);
    if (!s) {
      const payloads = opts.payloadsFor?.(meterId) ?? WATTLEDGER_FAULT_PAYLOADS;
      s = {
        hash: hashString(meterId),
        payloads,
        decreaseStored: opts.decreaseStored?.(meterId) ?? false,
        held: [],
        skews: 0,
      };
      meters.set(meterId, s);
    }
    return s;
  };
  const rollFor = faultRoll(rates, opts.seed);
  const roll = (kind: FaultKind, m: MeterFaultState, ts: number) => rollFor(kind, m.hash, ts);
  const record = (f: InjectedFault): void => {
    counts[f.kind] += 1;
    if (track) injected.push(f);
  };
  const validFault = (kind: FaultKind, r: SimReading): InjectedFault => ({
    kind,
    meterId: r.meterId,
    ts: r.ts,
    key: readingKey(r.meterId, r.ts),
  });
  const single = (f: InjectedFault & { payload: string }): OutgoingItem => {
    record(f);
    return { kind: 'single', meterId: f.meterId, payload: f.payload, fault: f };
  };

  function malformed(m: MeterFaultState, r: SimReading, u: number, out: OutgoingItem[]): void {
    const { payload, reason } = m.payloads.malformed(r, u);
    out.push(single({ kind: 'malformed', meterId: r.meterId, payload, expectedReason: reason }));
  }

  function releaseUpTo(m: MeterFaultState, ts: number, out: OutgoingItem[]): void {
    if (m.held.length === 0) return;
    const due = m.held.filter((h) => h.releaseAt <= ts).sort((a, b) => a.reading.ts - b.reading.ts);
    if (due.length === 0) return;
    m.held = m.held.filter((h) => h.releaseAt > ts);
    held -= due.length;
    for (const h of due) out.push({ kind: 'reading', reading: h.reading });
  }

  function processOne(
    m: MeterFaultState,
    r: SimReading,
    sendingNow: number,
    out: OutgoingItem[],
  ): void {
    if (!m.payloads.timed) {
      // Without a time of its own, a resent or delayed reading would be stored at another time.
      out.push({ kind: 'reading', reading: r });
      const mal = roll('malformed', m, r.ts);
      if (mal !== undefined) malformed(m, r, mal, out);
      return;
    }
    const inOrder = opts.keepInOrder?.(r.meterId, r.ts) ?? false;
    const late = inOrder ? undefined : roll('late', m, r.ts);
    const ooo = late === undefined && !inOrder ? roll('outOfOrder', m, r.ts) : undefined;
    if (late !== undefined || ooo !== undefined) {
      const delay =
        late !== undefined
          ? Math.max(2 * opts.intervalMs, 2 * HOUR_MS + Math.floor(late * 22 * HOUR_MS))
          : opts.intervalMs;
      m.held.push({ reading: r, releaseAt: r.ts + delay });
      held += 1;
      record(validFault(late !== undefined ? 'late' : 'outOfOrder', r));
      // Nothing is released here: a held reading must go out after a later reading that was sent.
      return;
    }
    out.push({ kind: 'reading', reading: r });
    releaseUpTo(m, r.ts, out);
    if (roll('duplicate', m, r.ts) !== undefined) {
      record(validFault('duplicate', r));
      out.push({ kind: 'reading', reading: r });
    }
    const dec = m.decreaseStored ? undefined : roll('registerDecrease', m, r.ts);
    if (dec !== undefined && r.importWh > 0) {
      const ts = r.ts + Math.min(60_000, Math.floor(opts.intervalMs / 2));
      const importWh = r.importWh - 1 - Math.floor(dec * Math.min(5000, r.importWh - 1));
      const payload = m.payloads.registerDecrease(r, ts, importWh);
      if (payload !== undefined)
        out.push(
          single({
            kind: 'registerDecrease',
            meterId: r.meterId,
            ts,
            key: readingKey(r.meterId, ts),
            payload,
            expectedReason: 'register_decrease',
          }),
        );
    }
    const mal = roll('malformed', m, r.ts);
    if (mal !== undefined) malformed(m, r, mal, out);
    if (roll('clockSkew', m, r.ts) !== undefined) {
      // A distinct second per meter (up to 300 per sending second), plus 1.5 s so it is never an
      // interval boundary, even written in whole seconds (as most devices do): no valid reading
      // will ever share its key.
      const ts =
        Math.floor(sendingNow / 1000) * 1000 + CLOCK_SKEW_MS + (m.skews++ % 300) * 1000 + 1500;
      const payload = m.payloads.skewed(r, ts);
      if (payload !== undefined)
        out.push(
          single({
            kind: 'clockSkew',
            meterId: r.meterId,
            ts,
            key: readingKey(r.meterId, ts),
            payload,
            expectedReason: 'future_timestamp',
          }),
        );
    }
  }

  return {
    process(meterId, readings, sendingNow) {
      const m = stateOf(meterId);
      const out: OutgoingItem[] = [];
      for (const r of readings) processOne(m, r, sendingNow, out);
      return out;
    },
    release(meterId) {
      const out: OutgoingItem[] = [];
      releaseUpTo(stateOf(meterId), Number.POSITIVE_INFINITY, out);
      return out;
    },
    heldCount: () => held,
    counts,
    injected,
  };
}
