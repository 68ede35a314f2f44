import type { Reading, ReadingWindow } from '../reading.js';
import type { ReadingStore } from '../reading-store.js';
import { DAY_MS, dayOf, lowerBound, packDays, unpack, type DayBlock } from './day-block.js';
import type { MeterCache } from './meter-cache.js';

/** Readings `[from, to)` (indexes) of one block. */
export interface Slice {
  readonly block: DayBlock;
  readonly from: number;
  readonly to: number;
}

/**
 * A window assembled from cached blocks and the store: ascending, `before` < slices < tail <
 * `after`.
 */
export interface Pieces {
  readonly before: Reading | undefined;
  readonly slices: readonly Slice[];
  /** Readings of the unsealed days, read from the store. */
  readonly tail: readonly Reading[];
  readonly after: Reading | undefined;
  /** Whether blocks had to be read from the store. */
  readonly loaded: boolean;
}

interface Days {
  readonly blocks: ReadonlyMap<number, DayBlock>;
  readonly before: ReadonlyMap<number, Reading | null>;
  readonly after: ReadonlyMap<number, Reading | null>;
  readonly loaded: boolean;
}

/**
 * Assemble a meter's register window `[from, to]` (with the nearest readings around it) from the
 * cached blocks of sealed days, reading from the store only the missing blocks, the unsealed tail
 * and lookups beyond the blocks that cannot be kept. `from` must be before `sealedEnd`.
 */
export function sealedReader(inner: Pick<ReadingStore, 'windows'>, cache: MeterCache) {
  const innerWindow = async (meterId: string, from: number, to: number): Promise<ReadingWindow> =>
    (await inner.windows([{ meterId, from, to, fields: 'registers' }])).get(meterId) ?? {
      inside: [],
    };

  /**
   * The blocks of [firstDay, lastDay]: the cached ones, plus the missing ones read from the store
   * in as few reads as there are gaps. Answered from a local map, so an eviction or invalidation
   * meanwhile cannot leave a hole in this answer. `before` holds the last reading before each
   * loaded span.
   */
  async function daysOf(meterId: string, firstDay: number, lastDay: number): Promise<Days> {
    const entry = cache.get(meterId);
    const blocks = new Map<number, DayBlock>();
    const spans: [number, number][] = [];
    for (let d = firstDay; d <= lastDay; d += DAY_MS) {
      const b = entry?.blocks.get(d);
      if (b !== undefined) {
        blocks.set(d, b);
        continue;
      }
      const last = spans.at(-1);
      if (last !== undefined && last[1] === d - DAY_MS) last[1] = d;
      else spans.push([d, d]);
    }
    if (spans.length === 0)
      return {
        blocks,
        before: entry?.before ?? new Map(),
        after: entry?.after ?? new Map(),
        loaded: false,
      };
    const before = new Map(entry?.before);
    for (const [a, b] of spans) {
      const gen = cache.generation(meterId);
      const w = await innerWindow(meterId, a, b + DAY_MS - 1);
      const packed = packDays(a, b, w.inside);
      for (const p of packed) blocks.set(p.day, p);
      before.set(a, w.before ?? null);
      cache.putBlocks(meterId, gen, packed);
      cache.putBefore(meterId, gen, a, w.before ?? null);
    }
    return { blocks, before, after: entry?.after ?? new Map(), loaded: true };
  }

  /**
   * The last reading before `t`: everything before a sealed day is sealed, so the answer is kept.
   */
  async function deepBefore(meterId: string, t: number, days: Days): Promise<Reading | undefined> {
    const known = days.before.get(t);
    if (known !== undefined) return known ?? undefined;
    const gen = cache.generation(meterId);
    const r = (await innerWindow(meterId, t, t)).before;
    cache.putBefore(meterId, gen, t, r ?? null);
    return r;
  }

  /**
   * The first reading at or after `t` (a sealed instant), or none. Kept when it is sealed (anything
   * new before it would be late, hence in the feed) or when there is none (ingest puts a meter that
   * speaks again after an hour of silence in the feed); a later, unsealed reading could be preceded
   * by a fresher one that the feed never names, so that answer is not kept.
   */
  async function deepAfter(
    meterId: string,
    t: number,
    sealedEnd: number,
    days: Days,
  ): Promise<Reading | undefined> {
    if (days.after.has(t)) return days.after.get(t) ?? undefined;
    const gen = cache.generation(meterId);
    const w = await innerWindow(meterId, t, t);
    const r = w.inside[0] ?? w.after;
    if (r === undefined || r.ts < sealedEnd) cache.putAfter(meterId, gen, t, r ?? null);
    return r;
  }

  async function gather(
    meterId: string,
    from: number,
    to: number,
    sealedEnd: number,
  ): Promise<Pieces> {
    const firstDay = dayOf(from) - DAY_MS;
    const lastDay = Math.min(dayOf(to) + DAY_MS, sealedEnd - DAY_MS);
    const days = await daysOf(meterId, firstDay, lastDay);
    const tail = to >= sealedEnd ? await innerWindow(meterId, sealedEnd, to) : undefined;

    const slices: Slice[] = [];
    for (let d = dayOf(from); d <= Math.min(dayOf(to), lastDay); d += DAY_MS) {
      const block = days.blocks.get(d);
      if (block === undefined) continue;
      const i = lowerBound(block, from);
      const j = lowerBound(block, to + 1);
      if (j > i) slices.push({ block, from: i, to: j });
    }
    const before =
      lastBefore(meterId, from, [days.blocks.get(dayOf(from)), days.blocks.get(firstDay)]) ??
      (await deepBefore(meterId, firstDay, days));
    let after = tail?.after;
    if (tail === undefined) {
      const next: (DayBlock | undefined)[] = [];
      for (let d = dayOf(to); d <= lastDay; d += DAY_MS) next.push(days.blocks.get(d));
      after =
        firstAfter(meterId, to, next) ??
        (await deepAfter(meterId, lastDay + DAY_MS, sealedEnd, days));
    }
    return { before, slices, tail: tail?.inside ?? [], after, loaded: days.loaded };
  }

  return { gather };
}

/** The last reading before `t` that the blocks (latest first) hold. */
function lastBefore(
  meterId: string,
  t: number,
  days: readonly (DayBlock | undefined)[],
): Reading | undefined {
  for (const b of days) {
    if (b === undefined) continue;
    const i = lowerBound(b, t) - 1;
    if (i >= 0) return unpack(meterId, b, i);
  }
  return undefined;
}

/** The first reading after `t` that the blocks (earliest first) hold. */
function firstAfter(
  meterId: string,
  t: number,
  days: readonly (DayBlock | undefined)[],
): Reading | undefined {
  for (const b of days) {
    if (b === undefined) continue;
    const i = lowerBound(b, t + 1);
    if (i < b.n) return unpack(meterId, b, i);
  }
  return undefined;
}
