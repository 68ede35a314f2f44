import type { Reading, ReadingWindow } from './reading.js';

/**
 * One meter's registers column by column, ascending by `ts` with one entry per instant: what
 * consumption needs, without an object per reading (a month of 15-minute readings is 3,000 of them
 * per request). `exportWh` is undefined when no reading has an export register; NaN marks one that
 * lacks it.
 */
export interface RegisterColumns {
  readonly ts: ArrayLike<number>;
  readonly importWh: ArrayLike<number>;
  readonly exportWh: ArrayLike<number> | undefined;
  /**
   * Who took the readings that people took, by `ts`; absent when the meter took them all. Sparse
   * (people's readings are few) and keyed by time rather than position, so columns cut out of a
   * longer run can share one map; a key that is not one of `ts` means nothing.
   */
  readonly takenBy?: ReadonlyMap<number, TakenBy> | undefined;
  /** Where the counter restarted (`reset`) or wrapped (`wrap`), by `ts`; sparse like `takenBy`. */
  readonly counterEvents?: ReadonlyMap<number, SpanEvent> | undefined;
  /**
   * The gaps longer than `gapMs` between the meter's consecutive readings, ascending, when the
   * columns leave readings out (a series thinned to the readings local days begin and end with):
   * consumption then takes its gaps from here rather than from `ts`.
   */
  readonly knownGaps?: KnownGaps | undefined;
}

/** The gaps of a thinned series (see `RegisterColumns.knownGaps`). */
export interface KnownGaps {
  readonly gapMs: number;
  readonly list: readonly { readonly from: number; readonly to: number }[];
}

/** The counter events a consumption bucket reports: where a register span began inside it. */
export type SpanEvent = 'reset' | 'wrap';

/** Who took a reading that the meter did not send itself (`Reading['source']`). */
export type TakenBy = NonNullable<Reading['source']>;

/** A sparse map by `ts` of what `pick` finds on readings, or undefined when it finds nothing. */
function sparseOf<T>(
  readings: Iterable<Reading | undefined>,
  pick: (r: Reading) => T | undefined,
): Map<number, T> | undefined {
  let out: Map<number, T> | undefined;
  for (const r of readings) {
    const v = r === undefined ? undefined : pick(r);
    if (v !== undefined) (out ??= new Map()).set(r!.ts, v);
  }
  return out;
}

/** The `takenBy` map of readings, or undefined when the meter took them all. */
export const takenByOf = (readings: Iterable<Reading | undefined>) =>
  sparseOf(readings, (r) => r.source);

/** The `counterEvents` map of readings, or undefined when no register span began among them. */
export const counterEventsOf = (readings: Iterable<Reading | undefined>) =>
  sparseOf(readings, (r): SpanEvent | undefined =>
    r.span?.event === 'reset' || r.span?.event === 'wrap' ? r.span.event : undefined,
  );

/** The sparse maps of the readings' marks, only those present (spread into columns). */
export function marksOf(readings: readonly (Reading | undefined)[]): {
  takenBy?: ReadonlyMap<number, TakenBy>;
  counterEvents?: ReadonlyMap<number, SpanEvent>;
} {
  const takenBy = takenByOf(readings);
  const counterEvents = counterEventsOf(readings);
  return {
    ...(takenBy === undefined ? {} : { takenBy }),
    ...(counterEvents === undefined ? {} : { counterEvents }),
  };
}

/** The columns of readings already ascending by `ts` without duplicates (see `sortedReadings`). */
export function columnsOf(sorted: readonly Reading[]): RegisterColumns {
  // Plain arrays: short-lived typed arrays would count as external memory and bring full
  // collections.
  const ts = sorted.map((r) => r.ts);
  const importWh = sorted.map((r) => r.importWh);
  const exportWh = sorted.some((r) => r.exportWh !== undefined)
    ? sorted.map((r) => r.exportWh ?? Number.NaN)
    : undefined;
  return { ts, importWh, exportWh, ...marksOf(sorted) };
}

/**
 * Refuse columns that are not strictly ascending by `ts` or not of one length: their answers would
 * be wrong.
 */
export function assertColumns(c: RegisterColumns): void {
  if (
    c.importWh.length !== c.ts.length ||
    (c.exportWh !== undefined && c.exportWh.length !== c.ts.length)
  ) {
    throw new RangeError('register columns of different lengths');
  }
  for (let i = 1; i < c.ts.length; i++) {
    if (!(c.ts[i]! > c.ts[i - 1]!))
      throw new RangeError(`register columns not strictly ascending at ${i}`);
  }
}

/**
 * The columns of a store window: the reading before, those inside and the one after (a store
 * answers them ascending).
 */
export function columnsOfWindow(w: ReadingWindow | undefined): RegisterColumns {
  if (w === undefined) return columnsOf([]);
  const readings = w.inside.slice();
  if (w.before !== undefined) readings.unshift(w.before);
  if (w.after !== undefined) readings.push(w.after);
  return columnsOf(readings);
}

/**
 * Each device register of a store window as columns of its own (the register's Wh as `importWh`),
 * over the readings that carry it: a multi-register meter's own counts (HCHC, HCHP, EASF01…) go
 * through the same consumption maths as its total. Empty for a single-register meter.
 */
export function registerColumnsOfWindow(
  w: ReadingWindow | undefined,
): Map<string, RegisterColumns> {
  const readings = w === undefined ? [] : [w.before, ...w.inside, w.after];
  const byName = new Map<string, Reading[]>();
  for (const r of readings) {
    for (const [name, wh] of Object.entries(r?.registers ?? {})) {
      const list = byName.get(name) ?? [];
      list.push({ ...r!, importWh: wh, exportWh: undefined });
      byName.set(name, list);
    }
  }
  return new Map([...byName].map(([name, list]) => [name, columnsOf(list)]));
}
