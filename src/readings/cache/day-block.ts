import type { Reading } from '../reading.js';

export const DAY_MS = 86_400_000;

/** The UTC day (epoch ms of its midnight) holding instant `t`. */
export const dayOf = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

/**
 * The registers of one meter's readings during one UTC day, packed: 12 bytes a reading (16 with an
 * export register) instead of an object each. `exports` is absent when no reading of the day has one;
 * NaN marks a reading without it.
 */
export interface DayBlock {
  readonly day: number;
  /** ms since `day`, ascending. */
  readonly offsets: Int32Array;
  readonly imports: Float64Array;
  readonly exports: Float64Array | undefined;
}

/** Pack readings whose ts lies in [day, day + 1 d), ascending by ts. */
export function packDay(day: number, readings: readonly Reading[]): DayBlock {
  const n = readings.length;
  const offsets = new Int32Array(n);
  const imports = new Float64Array(n);
  const anyExport = readings.some((r) => r.exportWh !== undefined);
  const exports = anyExport ? new Float64Array(n) : undefined;
  readings.forEach((r, i) => {
    offsets[i] = r.ts - day;
    imports[i] = r.importWh;
    if (exports !== undefined) exports[i] = r.exportWh ?? Number.NaN;
  });
  return { day, offsets, imports, exports };
}

/** Bytes a block holds (typed arrays plus a rough object overhead), for the cache budget. */
export const blockBytes = (b: DayBlock): number => 120 + b.offsets.byteLength + b.imports.byteLength + (b.exports?.byteLength ?? 0);

/** Reading `i` of a block as a registers reading: no power, `receivedAt` is `ts` (see WindowRequest.fields). */
export function unpack(meterId: string, b: DayBlock, i: number): Reading {
  const ts = b.day + b.offsets[i]!;
  const e = b.exports?.[i];
  return { meterId, ts, importWh: b.imports[i]!, exportWh: e === undefined || Number.isNaN(e) ? undefined : e, powerW: undefined, receivedAt: ts };
}

/** Index of the first reading with ts >= t (b.offsets.length when none). */
export function lowerBound(b: DayBlock, t: number): number {
  const target = t - b.day;
  let lo = 0;
  let hi = b.offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.offsets[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Split ascending readings into one block per UTC day of [firstDay, lastDay], empty days included. */
export function packDays(firstDay: number, lastDay: number, readings: readonly Reading[]): DayBlock[] {
  const out: DayBlock[] = [];
  let i = 0;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const start = i;
    while (i < readings.length && readings[i]!.ts < day + DAY_MS) i += 1;
    out.push(packDay(day, readings.slice(start, i).filter((r) => r.ts >= day)));
  }
  return out;
}
