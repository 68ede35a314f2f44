import { describe, expect, it } from 'vitest';
import { startingClock } from './clock.js';

/** Reads `clock` between two readings of the system clock, so the bounds hold at any speed. */
function bracket(read: () => number): { before: number; value: number; after: number } {
  const before = Date.now();
  const value = read();
  return { before, value, after: Date.now() };
}

describe('startingClock', () => {
  it('reads the chosen instant at first, then moves as the system clock moves', async () => {
    const start = Date.parse('2026-11-20T00:00:00Z');
    const madeStart = Date.now();
    const clock = startingClock('2026-11-20T00:00:00Z');
    const madeEnd = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const read = bracket(() => clock.now());
    // The clock's offset from the system clock was fixed between `madeStart` and `madeEnd`.
    expect(read.value).toBeGreaterThanOrEqual(start + read.before - madeEnd);
    expect(read.value).toBeLessThanOrEqual(start + read.after - madeStart);
  });
});
