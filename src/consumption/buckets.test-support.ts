import type { Reading } from '../readings/reading.js';
import type { Bucket } from './buckets.js';

export const MIN = 60_000;
export const t = (iso: string) => Date.parse(iso);
export const T0 = t('2020-01-01T00:00Z');
export const r = (iso: string, importWh: number, exportWh?: number): Reading => ({
  meterId: 'm',
  ts: t(iso),
  importWh,
  exportWh,
  receivedAt: 0,
});

/**
 * A simple meter: import rises 1 Wh per minute, export 2 Wh per minute, so any span of m minutes
 * consumed m Wh and exported 2m Wh. Readings at `offsets` (minutes) within each `period`, over
 * [from, to].
 */
export function linearMeter(
  from: string,
  to: string,
  period: number,
  offsets: readonly number[] = [0],
  withExport = true,
): Reading[] {
  const out: Reading[] = [];
  for (let p = t(from); p <= t(to); p += period * MIN) {
    for (const o of offsets) {
      const ts = p + o * MIN;
      const minutes = (ts - T0) / MIN;
      if (ts <= t(to))
        out.push({
          meterId: 'm',
          ts,
          importWh: minutes,
          exportWh: withExport ? 2 * minutes : undefined,
          receivedAt: 0,
        });
    }
  }
  return out;
}

export const values = (buckets: readonly Bucket[]) =>
  buckets.map((b) => [b.importWh, b.exportWh, b.quality]);
export const imports = (buckets: readonly Bucket[]) => buckets.map((b) => b.importWh);
export const sixties = (n: number) => Array.from({ length: n }, () => 60);
