import type { RegisterColumns } from '../../src/readings/register-columns.js';

/**
 * Columns as plain arrays: a store answers arrays, the readings cache views of its typed arrays;
 * both are the same answer.
 */
export function plain(c: RegisterColumns): {
  ts: number[];
  importWh: number[];
  exportWh: number[] | undefined;
} {
  return {
    ts: Array.from(c.ts),
    importWh: Array.from(c.importWh),
    exportWh: c.exportWh === undefined ? undefined : Array.from(c.exportWh),
  };
}
