import type { Reading } from '../reading.js';

export const DAY_MS = 86_400_000;

/** The UTC day (epoch ms of its midnight) holding instant `t`. */
export const dayOf = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

/**
 * The registers of one meter's readings during one UTC day, packed into one Float64Array: `n` offsets
 * (ms since `day`, ascending), `n` imports, then `n` exports when any reading of the day has one (NaN
 * for those that do not). 16 or 24 bytes a reading, and three heap objects a day rather than one per
 * reading: the collector marks tens of thousands of cached days, not millions of readings.
 */
export interface DayBlock {
  readonly day: number;
  readonly n: number;
  readonly hasExports: boolean;
  readonly data: Float64Array;
}

export const tsAt = (b: DayBlock, i: number): number => b.day + b.data[i]!;
export const importAt = (b: DayBlock, i: number): number => b.data[b.n + i]!;
/** NaN when the reading has no export register. */
export const exportAt = (b: DayBlock, i: number): number => (b.hasExports ? b.data[2 * b.n + i]! : Number.NaN);

/** Pack readings whose ts lies in [day, day + 1 d), ascending by ts. */
export function packDay(day: number, readings: readonly Reading[]): DayBlock {
  const n = readings.length;
  const hasExports = readings.some((r) => r.exportWh !== undefined);
  const data = new Float64Array((hasExports ? 3 : 2) * n);
  readings.forEach((r, i) => {
    data[i] = r.ts - day;
    data[n + i] = r.importWh;
    if (hasExports) data[2 * n + i] = r.exportWh ?? Number.NaN;
  });
  return { day, n, hasExports, data };
}

/** Bytes a block holds (its array plus a rough object overhead), for the cache budget. */
export const blockBytes = (b: DayBlock): number => 160 + b.data.byteLength;

/** Reading `i` of a block as a registers reading: no power, `receivedAt` is `ts` (see WindowRequest.fields). */
export function unpack(meterId: string, b: DayBlock, i: number): Reading {
  const ts = tsAt(b, i);
  const e = exportAt(b, i);
  return { meterId, ts, importWh: importAt(b, i), exportWh: Number.isNaN(e) ? undefined : e, powerW: undefined, receivedAt: ts };
}

/** Index of the first reading with ts >= t (b.n when none). */
export function lowerBound(b: DayBlock, t: number): number {
  const target = t - b.day;
  let lo = 0;
  let hi = b.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.data[mid]! < target) lo = mid + 1;
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
