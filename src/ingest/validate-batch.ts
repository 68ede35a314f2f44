import type { Reading, ReadingWindow, WindowRequest } from '../readings/reading.js';
import type { ReadingStore } from '../readings/reading-store.js';
import { carryCounterStarts, markerOf } from './counter-spans.js';
import { counterStartsBefore } from './counter-start-recovery.js';
import { checkReadings } from './plausibility.js';
import type { MeterDirectory } from './meter-directory.js';
import { readingRejection, type Rejection } from './rejection.js';
import type { SpooledReading } from './spool.js';

export interface ValidateDeps {
  readonly store: ReadingStore;
  readonly meters: MeterDirectory;
  readonly defaultMaxPowerW: number;
  /**
   * Latest accepted reading per meter, or undefined when other processes write the same meters
   * (shared subscription): then every batch asks the store for its neighbours, since this process
   * cannot know them.
   */
  readonly latest: Map<string, Reading> | undefined;
}

export interface ValidatedBatch {
  readonly accepted: Reading[];
  duplicates: number;
  readonly rejections: Rejection[];
  /**
   * The newest reading per meter once `accepted` is stored: apply to `latest` only after the write.
   */
  readonly newest: Map<string, Reading>;
  /**
   * For each meter whose accepted readings are newer than everything it had stored: the ts of its
   * newest stored reading before the batch, null when it had none. A long silence ending is a
   * change the readings caches must hear of (they keep "no reading after t" answers).
   */
  readonly previousNewest: Map<string, number | null>;
  /**
   * Readings identical to stored ones: a redelivery, or this very batch again after a flush that
   * stored it but failed before the spool let go of it. What a flush records for them (late
   * arrivals, reading changes) may be missing, so it is recorded again; both records are idempotent
   * in effect.
   */
  readonly duplicateReadings: Reading[];
}

function groupByMeter(readings: readonly SpooledReading[]): Map<string, SpooledReading[]> {
  const groups = new Map<string, SpooledReading[]>();
  for (const r of readings) {
    const g = groups.get(r.meterId);
    if (g === undefined) groups.set(r.meterId, [r]);
    else g.push(r);
  }
  return groups;
}

/**
 * Each meter's stored readings around its readings of the batch, ascending, with the device's
 * counter marker in force at each: the store holds it only where it changed (`storedCounterStart`),
 * so the marker of the first of them is asked of the store when it does not hold it there and the
 * batch carries markers to compare with. A reading remembered from an earlier batch has it already.
 */
async function knownReadings(
  store: ReadingStore,
  groups: ReadonlyMap<string, readonly SpooledReading[]>,
  cached: ReadonlyMap<string, ReadingWindow>,
  fetched: ReadonlyMap<string, ReadingWindow>,
): Promise<Map<string, Reading[]>> {
  const out = new Map<string, Reading[]>();
  const unknownStart = new Map<string, number>();
  for (const [meterId, group] of groups) {
    const window = cached.get(meterId) ?? fetched.get(meterId);
    if (window === undefined) continue;
    const known = [window.before, ...window.inside, window.after].filter(
      (r): r is Reading => r !== undefined,
    );
    out.set(meterId, known);
    const first = known[0];
    if (
      !cached.has(meterId) &&
      first !== undefined &&
      markerOf(first) === undefined &&
      group.some((r) => markerOf(r) !== undefined)
    )
      unknownStart.set(meterId, first.ts);
  }
  const starts =
    unknownStart.size === 0 ? undefined : await counterStartsBefore(store, unknownStart);
  for (const [meterId, known] of out)
    if (fetched.has(meterId) && !cached.has(meterId))
      out.set(meterId, carryCounterStarts(known, starts?.get(meterId)));
  return out;
}

/**
 * Check a spooled batch against the fleet and the stored neighbours of each reading (VEE).
 * Rejection ids derive from the reading (`idOf`), so validating the same batch again after a crash
 * yields the same ids.
 */
export async function validateBatch(
  deps: ValidateDeps,
  readings: readonly SpooledReading[],
  idOf: (r: Reading) => string,
): Promise<ValidatedBatch> {
  const groups = groupByMeter(readings);
  const meters = await deps.meters.resolve(groups.keys());
  const out: ValidatedBatch = {
    accepted: [],
    duplicates: 0,
    rejections: [],
    newest: new Map(),
    previousNewest: new Map(),
    duplicateReadings: [],
  };
  const reject = (r: SpooledReading, reason: Rejection['reason'], detail: string) =>
    out.rejections.push(readingRejection(r, reason, detail, idOf(r)));

  const requests: WindowRequest[] = [];
  const cachedWindows = new Map<string, ReadingWindow>();
  for (const [meterId, group] of groups) {
    if (meters.get(meterId) === undefined) continue;
    const from = Math.min(...group.map((r) => r.ts));
    const cached = deps.latest?.get(meterId);
    if (cached !== undefined && cached.ts < from)
      cachedWindows.set(meterId, { before: cached, inside: [] });
    else requests.push({ meterId, from, to: Math.max(...group.map((r) => r.ts)) });
  }
  const fetched =
    requests.length > 0 ? await deps.store.windows(requests) : new Map<string, ReadingWindow>();
  const knownOf = await knownReadings(deps.store, groups, cachedWindows, fetched);

  for (const [meterId, group] of groups) {
    const meter = meters.get(meterId);
    if (meter === undefined) {
      for (const r of group) reject(r, 'unknown_meter', `meter ${meterId} is not registered`);
      continue;
    }
    const window = cachedWindows.get(meterId) ?? fetched.get(meterId) ?? { inside: [] };
    const known = knownOf.get(meterId) ?? [];
    const result = checkReadings(
      {
        installedAt: meter.installedAt,
        maxPowerW: meter.maxPowerW ?? deps.defaultMaxPowerW,
        counter: meter,
        removedAt: meter.removedAt,
      },
      known,
      group,
      { everyCounterStart: deps.latest === undefined },
    );
    out.accepted.push(...result.accepted);
    out.duplicates += result.duplicates.length;
    out.duplicateReadings.push(...result.duplicates);
    for (const v of result.rejected) reject(v.reading as SpooledReading, v.reason, v.detail);
    if (window.after === undefined && result.accepted.length + result.duplicates.length > 0) {
      // Stored readings at the batch's own instants are this batch, stored by an earlier attempt.
      const own = new Set(group.map((r) => r.ts));
      out.previousNewest.set(
        meterId,
        known.reduce<number | null>(
          (a, r) => (own.has(r.ts) || (a !== null && r.ts <= a) ? a : r.ts),
          null,
        ),
      );
    }
    // The latest is only known when nothing was stored after the window.
    if (deps.latest !== undefined && window.after === undefined && result.newest !== undefined)
      out.newest.set(meterId, result.newest);
  }
  return out;
}
