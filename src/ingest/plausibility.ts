import { sameSample, type Reading } from '../readings/reading.js';
import { toIso } from '../shared/time.js';
import type { RejectionReason } from './rejection.js';
import {
  continueCounter,
  STRICT_COUNTER,
  storedCounterStart,
  type CounterRules,
} from './counter-spans.js';

/** How far ahead of the receiving clock a meter's timestamp may be (docs/design.md §3). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000;

export interface MeterRules {
  readonly installedAt: number;
  readonly maxPowerW: number;
  /** How the registers may go down (resets, wraps, dips); strict when absent. */
  readonly counter?: CounterRules | undefined;
  /** Epoch ms: the meter was taken out (exchanged); later readings are refused. */
  readonly removedAt?: number | null | undefined;
}

export interface Verdict {
  readonly reading: Reading;
  readonly reason: RejectionReason;
  readonly detail: string;
}

export interface CheckOutcome {
  /** The readings to store, on the meter's continuous index. */
  readonly accepted: Reading[];
  /** Identical resends of a reading already known: not stored again, not rejected. */
  readonly duplicates: Reading[];
  readonly rejected: Verdict[];
  /**
   * The newest of the known and accepted readings, with the device's counter marker in force
   * there even where the stored reading leaves it out: what the next batch continues from.
   */
  newest?: Reading | undefined;
}

export interface CheckOptions {
  /**
   * Store the device's counter marker (`span.counterStart`) with every reading instead of only
   * where it must be known (`storedCounterStart`): for a process that shares its meters with
   * others, which reads each batch's neighbours from the store and cannot remember the marker.
   */
  readonly everyCounterStart?: boolean;
}

/** Index of the first reading in `sorted` with ts >= t. */
function lowerBound(sorted: readonly Reading[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Why `later` cannot follow `earlier` on a healthy meter, or undefined when it can. */
function inconsistency(
  earlier: Reading,
  later: Reading,
  maxPowerW: number,
): Omit<Verdict, 'reading'> | undefined {
  const registers = [
    ['importWh', earlier.importWh, later.importWh],
    ['exportWh', earlier.exportWh, later.exportWh],
  ] as const;
  for (const [name, a, b] of registers) {
    if (a === undefined || b === undefined) continue;
    if (b < a) {
      return {
        reason: 'register_decrease',
        detail: `${name} ${b} at ${toIso(later.ts)} is below ${a} at ${toIso(earlier.ts)}`,
      };
    }
    const powerW = ((b - a) * 3_600_000) / (later.ts - earlier.ts);
    if (powerW > maxPowerW) {
      return {
        reason: 'implausible_jump',
        detail: `${name} rises ${b - a} Wh from ${toIso(earlier.ts)} to ${toIso(later.ts)}: ${Math.round(powerW)} W exceeds the meter's maximum ${maxPowerW} W`,
      };
    }
  }
  return undefined;
}

/**
 * Validation, estimation-free: check one meter's incoming readings (in arrival order) against its
 * known readings and each other, by meter time and not by arrival order. `known` must be sorted by
 * ts, each with the device's counter marker in force at it (`carryCounterStarts`); it is not
 * modified. Each reading is judged against the readings already accepted around it in time.
 */
export function checkReadings(
  rules: MeterRules,
  known: readonly Reading[],
  incoming: readonly Reading[],
  opts: CheckOptions = {},
): CheckOutcome {
  const timeline = [...known];
  const out: CheckOutcome = { accepted: [], duplicates: [], rejected: [] };
  for (const r of incoming) {
    const reject = (reason: RejectionReason, detail: string) =>
      out.rejected.push({ reading: r, reason, detail });
    if (r.ts > r.receivedAt + MAX_CLOCK_AHEAD_MS) {
      reject(
        'future_timestamp',
        `ts ${toIso(r.ts)} is more than 5 minutes after receipt at ${toIso(r.receivedAt)}`,
      );
      continue;
    }
    if (r.ts < rules.installedAt) {
      reject(
        'before_installation',
        `ts ${toIso(r.ts)} is before the meter's installation at ${toIso(rules.installedAt)}`,
      );
      continue;
    }
    if (rules.removedAt != null && r.ts > rules.removedAt) {
      reject(
        'after_removal',
        `ts ${toIso(r.ts)} is after the meter was taken out at ${toIso(rules.removedAt)}`,
      );
      continue;
    }
    const i = lowerBound(timeline, r.ts);
    const prev = timeline[i - 1];
    // The device's values on the meter's continuous index: a reset, a wrap or a dip the rules
    // explain is not a decrease.
    const indexed = continueCounter(rules.counter ?? STRICT_COUNTER, prev, r);
    const same = timeline[i];
    if (same !== undefined && same.ts === r.ts) {
      if (indexed !== undefined && sameSample(same, indexed)) out.duplicates.push(r);
      else
        reject(
          'conflicting_duplicate',
          `a different reading for ${toIso(r.ts)} exists (importWh ${same.importWh}, exportWh ${same.exportWh ?? 'none'})`,
        );
      continue;
    }
    const next = timeline[i];
    const problem =
      indexed === undefined
        ? prev && inconsistency(prev, r, rules.maxPowerW)
        : ((prev && inconsistency(prev, indexed, rules.maxPowerW)) ??
          (next && inconsistency(indexed, next, rules.maxPowerW)));
    if (problem !== undefined || indexed === undefined) {
      reject(problem?.reason ?? 'register_decrease', problem?.detail ?? 'the register went down');
      continue;
    }
    timeline.splice(i, 0, indexed);
    out.accepted.push(opts.everyCounterStart ? indexed : storedCounterStart(indexed, prev));
  }
  out.newest = timeline.at(-1);
  return out;
}
