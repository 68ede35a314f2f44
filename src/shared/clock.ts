/**
 * The only source of "now" in wattledger; tests inject a fixed or manual clock instead of sleeping.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that reads `start` now and then runs at real speed: a whole instance (its timers, crons
 * and flushes all working as usual) placed at a chosen instant, so tests of calendar-bound
 * behaviour do not depend on the day they run.
 */
export function startingClock(start: number | string): Clock {
  const offset = (typeof start === 'string' ? Date.parse(start) : start) - Date.now();
  return { now: () => Date.now() + offset };
}

/** A clock that only moves when told to: for deterministic tests of time-dependent code. */
export function manualClock(
  start: number | string,
): Clock & { set(t: number | string): void; advance(ms: number): void } {
  let t = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => t,
    set: (v) => {
      t = typeof v === 'string' ? Date.parse(v) : v;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
