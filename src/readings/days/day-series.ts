import type { RegisterColumns, SpanEvent, TakenBy } from '../register-columns.js';
import {
  DAY_GAP_MS,
  type DayGap,
  type DayPoint,
  type DaySummary,
  eventOfMark,
  type PointMark,
  takenByOfMark,
} from './day-points.js';

/**
 * What a consumption series cut at local midnights is assembled from, in time order, with no
 * reading of the meter between two consecutive parts: the nearest reading before the first day,
 * the summaries of the days that have readings, then either the readings from the end of those
 * days on (a store window, whose first entry may repeat the last day's last reading) or the nearest
 * reading after them.
 */
export interface DaySeriesParts {
  readonly before?: DayPoint | undefined;
  readonly days: readonly DaySummary[];
  readonly tail?: RegisterColumns | undefined;
  readonly after?: DayPoint | undefined;
}

/** A store window's entries as points, with their marks. */
function pointsOfColumns(c: RegisterColumns): DayPoint[] {
  const out: DayPoint[] = [];
  for (let i = 0; i < c.ts.length; i++) {
    const ts = c.ts[i]!;
    const e = c.exportWh?.[i];
    const who = c.takenBy?.get(ts);
    const event = c.counterEvents?.get(ts);
    const mark: PointMark | null =
      who !== undefined && event !== undefined ? `${who}+${event}` : (who ?? event ?? null);
    out.push([ts, c.importWh[i]!, e === undefined || Number.isNaN(e) ? null : e, mark]);
  }
  return out;
}

/**
 * The register columns of a series thinned to its days' kept readings, with its gaps longer than
 * `DAY_GAP_MS` given as `knownGaps` (the readings left out would otherwise look like gaps).
 * `computeConsumption` over it answers exactly what it answers over every reading, for any cut
 * whose edges are local midnights of the days' zone: each edge's index rests on a day's first or
 * last reading, `first` and `latest` are kept, and each gap is either inside a day (kept) or
 * between two consecutive parts (found here).
 */
export function thinnedColumns(parts: DaySeriesParts): RegisterColumns {
  const ts: number[] = [];
  const importWh: number[] = [];
  const exportWh: number[] = [];
  let hasExport = false;
  let takenBy: Map<number, TakenBy> | undefined;
  let counterEvents: Map<number, SpanEvent> | undefined;
  const gaps: { from: number; to: number }[] = [];

  /** Append a point; `linked`: it follows the previous one with no reading between them. */
  const push = (p: DayPoint, linked: boolean) => {
    const [t, imp, exp, mark] = p;
    const last = ts.at(-1);
    if (last !== undefined && t <= last) return;
    if (linked && last !== undefined && t - last > DAY_GAP_MS) gaps.push({ from: last, to: t });
    ts.push(t);
    importWh.push(imp);
    exportWh.push(exp ?? Number.NaN);
    if (exp !== null) hasExport = true;
    const who = takenByOfMark(mark);
    if (who !== undefined) (takenBy ??= new Map()).set(t, who);
    const event = eventOfMark(mark);
    if (event === 'reset' || event === 'wrap') (counterEvents ??= new Map()).set(t, event);
  };
  const pushGaps = (list: readonly DayGap[]) => {
    for (const [from, to] of list) gaps.push({ from, to });
  };

  if (parts.before !== undefined) push(parts.before, true);
  for (const day of parts.days) {
    day.points.forEach((p, i) => push(p, i === 0));
    pushGaps(day.gaps);
  }
  if (parts.tail !== undefined) for (const p of pointsOfColumns(parts.tail)) push(p, true);
  if (parts.after !== undefined) push(parts.after, true);
  return {
    ts,
    importWh,
    exportWh: hasExport ? exportWh : undefined,
    ...(takenBy === undefined ? {} : { takenBy }),
    ...(counterEvents === undefined ? {} : { counterEvents }),
    knownGaps: { gapMs: DAY_GAP_MS, list: gaps },
  };
}
