import type { Reading } from './reading.js';

/** The meter-time span and count of one meter's readings. */
export interface ReadingSpan {
  readonly meterId: string;
  readonly from: number;
  readonly to: number;
  readonly readings: number;
}

/** Per meter, the span of the readings that `keep` accepts, in order of first appearance. */
export function spansByMeter(
  readings: readonly Reading[],
  keep: (r: Reading) => boolean,
): ReadingSpan[] {
  const spans = new Map<string, { from: number; to: number; n: number }>();
  for (const r of readings) {
    if (!keep(r)) continue;
    const s = spans.get(r.meterId);
    if (s === undefined) spans.set(r.meterId, { from: r.ts, to: r.ts, n: 1 });
    else {
      s.from = Math.min(s.from, r.ts);
      s.to = Math.max(s.to, r.ts);
      s.n += 1;
    }
  }
  return [...spans].map(([meterId, s]) => ({ meterId, from: s.from, to: s.to, readings: s.n }));
}
