// bench:estimate's readings store: one simulated meter's readings served from memory through the
// `windows` port billing reads with, so the bench prices estimates by the same code as the bill
// route. Dense readings cover the months asked; a window outside them that is a single instant
// (the seasonal correction's indexes a year back) is answered from the simulator's register model,
// which gives the same reading for the same instant whatever was generated before.
import type { MeterDefinition } from '../simulators/fleet.js';
import { createMeterState } from '../simulators/meter-state.js';
import type { ReadingStore } from '../src/readings/reading-store.js';
import type { Reading, ReadingWindow } from '../src/readings/reading.js';

const QUARTER_MS = 900_000;
/** Each reading is received this long after its meter time (all on time: none is late). */
export const RECEIPT_DELAY_MS = 5_000;

/** Index of the first reading with `ts >= t` in ascending `sorted`. */
function lowerBound(sorted: readonly Reading[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A store of one meter: `dense` (ascending, every quarter hour of a span) answers windows inside
 * its span; single instants outside it come from the register model on the quarter-hour grid.
 */
export function simulatedStore(
  meter: MeterDefinition,
  dense: readonly Reading[],
): Pick<ReadingStore, 'windows'> {
  const state = createMeterState(meter, { startTs: meter.installedAt ?? 0 });
  const installed = meter.installedAt ?? Number.NEGATIVE_INFINITY;
  const at = (ts: number): Reading | undefined => {
    if (ts < installed) return undefined;
    const r = state.readingAt(ts);
    return { ...r, receivedAt: ts + RECEIPT_DELAY_MS };
  };
  const first = dense[0]?.ts ?? Infinity;
  const last = dense.at(-1)?.ts ?? -Infinity;
  const window = (from: number, to: number): ReadingWindow => {
    if (from > first && to < last) {
      const i = lowerBound(dense, from);
      const j = lowerBound(dense, to + 1);
      return { before: dense[i - 1], inside: dense.slice(i, j), after: dense[j] };
    }
    if (from !== to)
      throw new Error(`the bench store holds no window ${new Date(from).toISOString()}..`);
    const floor = Math.floor(from / QUARTER_MS) * QUARTER_MS;
    const onGrid = floor === from;
    const inside = onGrid ? at(from) : undefined;
    return {
      before: at(onGrid ? from - QUARTER_MS : floor),
      inside: inside === undefined ? [] : [inside],
      after: at(floor + QUARTER_MS),
    };
  };
  return {
    async windows(requests) {
      return new Map(
        requests
          .filter((r) => r.meterId === meter.meterId)
          .map((r) => [r.meterId, window(r.from, r.to)]),
      );
    },
  };
}
