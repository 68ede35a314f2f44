import type { Reading, ReadingWindow } from '../reading.js';
import type { RegisterColumns } from '../register-columns.js';
import { exportAt, importAt, tsAt, unpack } from './day-block.js';
import type { Pieces } from './sealed-reader.js';

/** Pieces as a store window: one reading object each. */
export function piecesToWindow(meterId: string, p: Pieces): ReadingWindow {
  const inside: Reading[] = [];
  for (const s of p.slices) for (let i = s.from; i < s.to; i += 1) inside.push(unpack(meterId, s.block, i));
  inside.push(...p.tail);
  return { before: p.before, inside, after: p.after };
}

/**
 * Pieces as register columns, the before and after readings included: no object per reading. Plain
 * arrays of doubles, not typed arrays: those live outside the JS heap, and allocating ~70 KB of them
 * per request made V8 run full collections for the external memory (p99 of a month doubled).
 */
export function piecesToColumns(p: Pieces): RegisterColumns {
  const anyExport = p.before?.exportWh !== undefined || p.after?.exportWh !== undefined || p.tail.some((r) => r.exportWh !== undefined) || p.slices.some((s) => s.block.hasExports);
  const ts: number[] = [];
  const importWh: number[] = [];
  const exportWh: number[] | undefined = anyExport ? [] : undefined;
  const put = (r: Reading) => {
    ts.push(r.ts);
    importWh.push(r.importWh);
    exportWh?.push(r.exportWh ?? Number.NaN);
  };
  if (p.before !== undefined) put(p.before);
  for (const { block, from, to } of p.slices) {
    for (let i = from; i < to; i += 1) {
      ts.push(tsAt(block, i));
      importWh.push(importAt(block, i));
      exportWh?.push(exportAt(block, i));
    }
  }
  p.tail.forEach(put);
  if (p.after !== undefined) put(p.after);
  return { ts, importWh, exportWh };
}
