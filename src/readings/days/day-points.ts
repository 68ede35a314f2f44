import { DEFAULT_GAP_MS } from '../../consumption/quality.js';
import type { Reading } from '../reading.js';
import type { SpanEvent, TakenBy } from '../register-columns.js';

/** What a kept reading says beyond its registers: who took it, or where a register span began. */
export type PointMark = TakenBy | SpanEvent | 'removed' | `${TakenBy}+${SpanEvent | 'removed'}`;

/** A kept reading: `[ts, importWh, exportWh | null, mark | null]`. */
export type DayPoint = readonly [
  ts: number,
  importWh: number,
  exportWh: number | null,
  mark: PointMark | null,
];

/** An open interval between two consecutive readings more than `DAY_GAP_MS` apart. */
export type DayGap = readonly [from: number, to: number];

/** The gap length day summaries are made for: consumption's default. */
export const DAY_GAP_MS = DEFAULT_GAP_MS;

/**
 * One meter's local day `[dayStart, dayEnd)` in `timezone`, reduced to what consumption needs when
 * it cuts only at local midnights: the index at an edge rests on the last reading before it and the
 * first at or after it (a day's first and last), quality on the gaps (kept as gaps, with both their
 * readings), and the marks on the readings that carry them (people's readings, span starts, a final
 * index), which are kept too. The readings in between change no such answer.
 */
export interface DaySummary {
  readonly meterId: string;
  readonly dayStart: number;
  readonly dayEnd: number;
  readonly timezone: string;
  /** How many readings the day holds (at least one: an empty day has no summary). */
  readonly readings: number;
  readonly points: readonly DayPoint[];
  readonly gaps: readonly DayGap[];
}

/** A reading's mark, or null for an ordinary meter reading. */
export function markOf(r: Reading): PointMark | null {
  const e = r.span?.event;
  const event = e === 'reset' || e === 'wrap' || e === 'removed' ? e : undefined;
  if (r.source !== undefined && event !== undefined) return `${r.source}+${event}`;
  return r.source ?? event ?? null;
}

/** Who took a point's reading, when a person did. */
export function takenByOfMark(mark: PointMark | null): TakenBy | undefined {
  if (mark === null) return undefined;
  const who = mark.split('+')[0];
  return who === 'customer' || who === 'staff' ? who : undefined;
}

/** The event a point's reading carries (`reset`, `wrap`, `removed`), if any. */
export function eventOfMark(mark: PointMark | null): SpanEvent | 'removed' | undefined {
  if (mark === null) return undefined;
  const event = mark.split('+').at(-1);
  return event === 'reset' || event === 'wrap' || event === 'removed' ? event : undefined;
}

/** A reading as a kept point. */
export const pointOf = (r: Reading): DayPoint => [r.ts, r.importWh, r.exportWh ?? null, markOf(r)];

/**
 * The summary of one local day from its readings (ascending by `ts`, one per instant, all inside
 * the day), or undefined when it has none.
 */
export function summariseDay(
  meterId: string,
  day: { readonly start: number; readonly end: number; readonly timezone: string },
  readings: readonly Reading[],
): DaySummary | undefined {
  const n = readings.length;
  if (n === 0) return undefined;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const gaps: DayGap[] = [];
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    if (r.ts < day.start || r.ts >= day.end)
      throw new RangeError(`reading at ${r.ts} outside the day [${day.start}, ${day.end})`);
    if (markOf(r) !== null) keep[i] = 1;
    if (i === 0) continue;
    const from = readings[i - 1]!.ts;
    if (!(r.ts > from)) throw new RangeError(`readings not strictly ascending at ${i}`);
    if (r.ts - from > DAY_GAP_MS) {
      gaps.push([from, r.ts]);
      keep[i - 1] = 1;
      keep[i] = 1;
    }
  }
  const points: DayPoint[] = [];
  readings.forEach((r, i) => {
    if (keep[i] === 1) points.push(pointOf(r));
  });
  return {
    meterId,
    dayStart: day.start,
    dayEnd: day.end,
    timezone: day.timezone,
    readings: n,
    points,
    gaps,
  };
}
