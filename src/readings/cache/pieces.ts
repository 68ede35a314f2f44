import type { Reading, ReadingWindow } from '../reading.js';
import { counterEventsOf, takenByOf, type RegisterColumns } from '../register-columns.js';
import { exportAt, importAt, tsAt, unpack, type Span } from './day-block.js';
import type { Pieces } from './sealed-reader.js';

/** Pieces as a store window: one reading object each. */
export function piecesToWindow(meterId: string, p: Pieces): ReadingWindow {
  const inside: Reading[] = [];
  for (const s of p.slices)
    for (let i = s.from; i < s.to; i += 1) inside.push(unpack(meterId, s.block, i));
  inside.push(...p.tail);
  return { before: p.before, inside, after: p.after };
}

/**
 * Pieces as register columns, the before and after readings included: no object per reading. When
 * the window is one run of a single span (the usual case: the days around it were read together),
 * the columns are views of the span's arrays, with no copy. Otherwise they are plain arrays of
 * doubles, sized once: new typed arrays would live outside the JS heap, and allocating ~70 KB of
 * them per request made V8 run full collections for the external memory (p99 of a month doubled).
 */
export function piecesToColumns(p: Pieces): RegisterColumns {
  return viewOf(p) ?? copyOf(p);
}

/**
 * The columns as views of one span, when the pieces are positions `[start, end)` of it in a row.
 */
function viewOf(p: Pieces): RegisterColumns | undefined {
  const first = p.slices[0];
  if (first === undefined || p.tail.length > 0) return undefined;
  const span = first.block.span;
  let end = first.block.at + first.from;
  let start = end;
  let exports = false;
  for (const { block, from, to } of p.slices) {
    if (block.span !== span || block.at + from !== end) return undefined;
    end = block.at + to;
    exports ||= block.hasExports;
  }
  // The readings around the run must be its neighbours in the span (the same instants; a cached
  // span is the store's).
  if (p.before !== undefined) {
    if (start === 0 || span.data[start - 1] !== p.before.ts) return undefined;
    start -= 1;
    exports ||= p.before.exportWh !== undefined;
  }
  if (p.after !== undefined) {
    if (end === span.n || span.data[end] !== p.after.ts) return undefined;
    end += 1;
    exports ||= p.after.exportWh !== undefined;
  }
  const { n, data } = span;
  const columns = {
    ts: data.subarray(start, end),
    importWh: data.subarray(n + start, n + end),
    exportWh: exports ? data.subarray(2 * n + start, 2 * n + end) : undefined,
  };
  // The span's own maps: keys outside the view mean nothing (see RegisterColumns.takenBy).
  return {
    ...columns,
    ...(span.takenBy === undefined ? {} : { takenBy: span.takenBy }),
    ...(span.counterEvents === undefined ? {} : { counterEvents: span.counterEvents }),
  };
}

/**
 * A sparse map of the pieces (who took readings, where spans began), by `ts`, or undefined when
 * none of them has one.
 */
function sparseOfPieces<T>(
  p: Pieces,
  ofSpan: (span: Span) => ReadonlyMap<number, T> | undefined,
  ofReadings: (rs: (Reading | undefined)[]) => ReadonlyMap<number, T> | undefined,
): ReadonlyMap<number, T> | undefined {
  const maps = p.slices.flatMap((s) => ofSpan(s.block.span) ?? []);
  const around = ofReadings([p.before, ...p.tail, p.after]);
  if (around === undefined && maps.length <= 1) return maps[0];
  const out = new Map(around);
  for (const m of new Set(maps)) for (const [ts, v] of m) out.set(ts, v);
  return out;
}

function copyOf(p: Pieces): RegisterColumns {
  const anyExport =
    p.before?.exportWh !== undefined ||
    p.after?.exportWh !== undefined ||
    p.tail.some((r) => r.exportWh !== undefined) ||
    p.slices.some((s) => s.block.hasExports);
  let length = p.tail.length + (p.before === undefined ? 0 : 1) + (p.after === undefined ? 0 : 1);
  for (const s of p.slices) length += s.to - s.from;
  const ts = filled(length);
  const importWh = filled(length);
  const exportWh = anyExport ? filled(length) : undefined;
  let k = 0;
  const put = (t: number, i: number, e: number) => {
    ts[k] = t;
    importWh[k] = i;
    if (exportWh !== undefined) exportWh[k] = e;
    k += 1;
  };
  const putReading = (r: Reading) => put(r.ts, r.importWh, r.exportWh ?? Number.NaN);
  if (p.before !== undefined) putReading(p.before);
  for (const { block, from, to } of p.slices)
    for (let i = from; i < to; i += 1) put(tsAt(block, i), importAt(block, i), exportAt(block, i));
  p.tail.forEach(putReading);
  if (p.after !== undefined) putReading(p.after);
  const takenBy = sparseOfPieces(p, (s) => s.takenBy, takenByOf);
  const counterEvents = sparseOfPieces(p, (s) => s.counterEvents, counterEventsOf);
  return {
    ts,
    importWh,
    exportWh,
    ...(takenBy === undefined ? {} : { takenBy }),
    ...(counterEvents === undefined ? {} : { counterEvents }),
  };
}

/**
 * A plain array of `n` doubles, at its final size from the start (no growth while it is filled).
 */
const filled = (n: number): number[] => new Array<number>(n).fill(0.5);
