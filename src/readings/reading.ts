/**
 * One meter sample as wattledger stores it: the key is (meterId, ts).
 * `ts` is meter time in epoch milliseconds; registers are cumulative Wh counters.
 */
export interface Reading {
  readonly meterId: string;
  readonly ts: number;
  readonly importWh: number;
  readonly exportWh?: number | undefined;
  readonly powerW?: number | undefined;
  /**
   * When wattledger received it (epoch ms). Kept so billing can find readings that arrived late.
   */
  readonly receivedAt: number;
  /**
   * `received` when the device sent no time to trust (none, an unsynced clock, a local time in the
   * repeated hour of a DST change) and `ts` is the receive time; absent means the meter's own time.
   */
  readonly tsSource?: 'received' | undefined;
  /**
   * A multi-register meter's own counters by their device names (e.g. HCHC, HCHP), in Wh; their
   * sum is `importWh`.
   */
  readonly registers?: Readonly<Record<string, number>> | undefined;
  /**
   * Who took the reading when it was not the meter itself: `customer` (a self-read the customer
   * entered) or `staff` (a reading or correction entered by staff); absent means the meter sent it.
   * Kept so consumption quality and invoices can say what a value rests on.
   */
  readonly source?: 'customer' | 'staff' | undefined;
  /**
   * What the meter's counter did at this reading, and the offsets in force from it on: `importWh`
   * and `exportWh` are the meter's continuous index (spans joined), not always the device's own
   * value. Absent on an ordinary reading of a counter that never went down.
   */
  readonly span?: CounterSpan | undefined;
}

/**
 * What a meter's counter did at a reading: restarted from 0 (`reset`), wrapped past its maximum
 * (`wrap`), dipped within the tolerance (`dip`); or, set by a meter exchange, the new meter's start
 * index (`installed`) and the old meter's final index (`removed`).
 */
export type CounterEvent = 'reset' | 'wrap' | 'dip' | 'installed' | 'removed';

/** The events that begin a register span, as `GET /v1/meters/{id}/spans` lists them. */
export const SPAN_STARTS: readonly CounterEvent[] = ['installed', 'reset', 'wrap'];

/**
 * A reading's place in its meter's register spans (docs/design.md §8 "Register spans").
 * `event`: the counter restarted from 0 here (`reset`), wrapped past its maximum (`wrap`), or dipped
 * within the tolerance so the index held (`dip`). The offsets turn the device's later values into
 * the index (index = device value + offset). A held dip keeps the device's own value. `counterStart`
 * is the device's own reset marker (Tasmota's `TotalStartTime`).
 */
export interface CounterSpan {
  readonly event?: CounterEvent | undefined;
  readonly importOffsetWh?: number | undefined;
  readonly exportOffsetWh?: number | undefined;
  readonly deviceImportWh?: number | undefined;
  readonly deviceExportWh?: number | undefined;
  readonly counterStart?: string | undefined;
}

/**
 * What a register name may hold: device names such as `HCHC`, `EASF01`, `1.8.1`. Nothing a store
 * would have to escape (line protocol field keys, JSON keys), and never `__proto__`-like keys.
 */
export const REGISTER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** Where a reading's time came from, as the API shows it. */
export const tsSourceOf = (r: Pick<Reading, 'tsSource'>): 'meter' | 'received' =>
  r.tsSource ?? 'meter';

/** Who took a reading, as the API shows it. */
export const readingSourceOf = (r: Pick<Reading, 'source'>): 'meter' | 'customer' | 'staff' =>
  r.source ?? 'meter';

/** Two register maps hold the same counters (both absent counts as the same). */
export function sameRegisters(
  a: Reading['registers'] | undefined,
  b: Reading['registers'] | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * The stored readings of one meter around a time range: what plausibility checks and interpolation
 * need.
 */
export interface ReadingWindow {
  /** The latest reading strictly before `from`, if any. */
  readonly before?: Reading | undefined;
  /** Readings with `from <= ts <= to`, ascending by ts. */
  readonly inside: readonly Reading[];
  /** The earliest reading strictly after `to`, if any. */
  readonly after?: Reading | undefined;
}

/** A span of meter time in epoch ms, both bounds included. */
export interface ReadingRange {
  readonly from: number;
  readonly to: number;
}

/** Every instant a store can hold: erasing a meter's readings removes this range. */
export const ALL_TIME: ReadingRange = {
  from: Number.MIN_SAFE_INTEGER,
  to: Number.MAX_SAFE_INTEGER,
};

export interface WindowRequest {
  readonly meterId: string;
  readonly from: number;
  readonly to: number;
  /**
   * `registers`: only the registers are needed (billing, consumption), so a store may leave out
   * `powerW` (answered undefined) and `receivedAt` (answered as `ts`) — InfluxDB then serialises
   * about 40 % less. Who took a reading (`source`) is kept. Default `all`.
   */
  readonly fields?: 'all' | 'registers';
}

/**
 * Two readings are the same sample when their registers and power agree (receivedAt does not
 * count).
 */
export function sameSample(a: Reading, b: Reading): boolean {
  return (
    a.importWh === b.importWh &&
    (a.exportWh ?? null) === (b.exportWh ?? null) &&
    (a.powerW ?? null) === (b.powerW ?? null) &&
    sameRegisters(a.registers, b.registers) &&
    (a.span?.event ?? null) === (b.span?.event ?? null)
  );
}
