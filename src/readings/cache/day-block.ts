import type { Reading } from '../reading.js';
import { marksOf, type SpanEvent, type TakenBy } from '../register-columns.js';

export const DAY_MS = 86_400_000;

/** The UTC day (epoch ms of its midnight) holding instant `t`. */
export const dayOf = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

/**
 * The registers of one meter's readings over consecutive UTC days read from the store in one go,
 * column by column in one Float64Array: `n` timestamps (ascending), `n` imports, then `n` exports
 * when any of them has one (NaN for those that do not). 16 or 24 bytes a reading and a few heap
 * objects a day rather than one per reading: the collector marks tens of thousands of cached days,
 * not millions of readings. One array for the whole read lets a window inside it go out as views of
 * its columns, with no copy (see `pieces.ts`).
 */
export interface Span {
  readonly n: number;
  readonly hasExports: boolean;
  readonly data: Float64Array;
  /** Who took the span's readings that people took, by `ts` (a handful at most, usually none). */
  readonly takenBy?: ReadonlyMap<number, TakenBy> | undefined;
  /** Where register spans began among the span's readings, by `ts` (usually none). */
  readonly counterEvents?: ReadonlyMap<number, SpanEvent> | undefined;
  /** The `ts` of the meter's final index, when an exchange took it out inside the span. */
  readonly finalAt?: number | undefined;
}

/** The readings of one UTC day: positions `[at, at + n)` of a span. */
export interface DayBlock {
  readonly day: number;
  readonly span: Span;
  readonly at: number;
  readonly n: number;
  /** Whether a reading of this day has an export register. */
  readonly hasExports: boolean;
}

export const tsAt = (b: DayBlock, i: number): number => b.span.data[b.at + i]!;
export const importAt = (b: DayBlock, i: number): number => b.span.data[b.span.n + b.at + i]!;
/** NaN when the reading has no export register. */
export const exportAt = (b: DayBlock, i: number): number =>
  b.span.hasExports ? b.span.data[2 * b.span.n + b.at + i]! : Number.NaN;

/**
 * Bytes a block holds (its share of the span plus a rough object overhead), for the cache budget.
 */
export const blockBytes = (b: DayBlock): number => 160 + b.n * (b.span.hasExports ? 24 : 16);

/**
 * Reading `i` of a block as a registers reading: no power, `receivedAt` is `ts`, and who took it
 * when a person did (see WindowRequest.fields).
 */
export function unpack(meterId: string, b: DayBlock, i: number): Reading {
  const ts = tsAt(b, i);
  const e = exportAt(b, i);
  const source = b.span.takenBy?.get(ts);
  return {
    meterId,
    ts,
    importWh: importAt(b, i),
    exportWh: Number.isNaN(e) ? undefined : e,
    powerW: undefined,
    receivedAt: ts,
    ...(source === undefined ? {} : { source }),
    ...spanAt(b, ts),
  };
}

/**
 * What a cached reading keeps of its counter span: billing must know the final index of a meter
 * taken out (nothing is awaited from it after), consumption where a span began.
 */
function spanAt(b: DayBlock, ts: number): Pick<Reading, 'span'> {
  if (ts === b.span.finalAt) return { span: { event: 'removed' } };
  const event = b.span.counterEvents?.get(ts);
  return event === undefined ? {} : { span: { event } };
}

/** Index (within the block) of the first reading with ts >= t (b.n when none). */
export function lowerBound(b: DayBlock, t: number): number {
  const data = b.span.data;
  let lo = 0;
  let hi = b.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (data[b.at + mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Pack ascending readings into one span and one block per UTC day of [firstDay, lastDay], empty
 * days included.
 */
export function packDays(
  firstDay: number,
  lastDay: number,
  readings: readonly Reading[],
): DayBlock[] {
  const inside = readings.filter((r) => r.ts >= firstDay && r.ts < lastDay + DAY_MS);
  const n = inside.length;
  const hasExports = inside.some((r) => r.exportWh !== undefined);
  const data = new Float64Array((hasExports ? 3 : 2) * n);
  inside.forEach((r, i) => {
    data[i] = r.ts;
    data[n + i] = r.importWh;
    if (hasExports) data[2 * n + i] = r.exportWh ?? Number.NaN;
  });
  const finalAt = inside.find((r) => r.span?.event === 'removed')?.ts;
  const span: Span = {
    n,
    hasExports,
    data,
    ...marksOf(inside),
    ...(finalAt === undefined ? {} : { finalAt }),
  };
  const out: DayBlock[] = [];
  let i = 0;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    const at = i;
    let exports = false;
    for (; i < n && inside[i]!.ts < day + DAY_MS; i += 1)
      if (inside[i]!.exportWh !== undefined) exports = true;
    out.push({ day, span, at, n: i - at, hasExports: exports });
  }
  return out;
}
