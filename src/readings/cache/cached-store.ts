import { LATE_AFTER_MS } from '../changes/late-readings.js';
import type { Clock } from '../../shared/clock.js';
import type { ReadingWindow, WindowRequest } from '../reading.js';
import type { ReadingStore } from '../reading-store.js';
import type { RegisterColumns } from '../register-columns.js';
import { DAY_MS, dayOf } from './day-block.js';
import { MeterCache } from './meter-cache.js';
import { piecesToColumns, piecesToWindow } from './pieces.js';
import { sealedReader, type Pieces } from './sealed-reader.js';

/**
 * A UTC day is sealed once it ended this long ago. Ingest records in the change feed every reading
 * it stores more than LATE_AFTER_MS after its meter time; the extra hour covers clock skew between
 * hosts. So once a day is sealed, whatever changes its readings is in the feed (retention and
 * erasure put their deletes there too), and a cached copy stays exact until the feed says
 * otherwise.
 */
export const SEAL_MS = LATE_AFTER_MS + 60 * 60_000;
/** Days before this one (UTC midnight) are sealed at `now`. */
export const sealedEndAt = (now: number): number => dayOf(now - SEAL_MS);
/** Longer windows go straight to the store rather than sweep the cache. */
const MAX_CACHED_DAYS = 400;

/** Whether `store` keeps sealed days in memory. */
export const isCachedStore = (store: ReadingStore): store is CachedStore =>
  'holds' in store && 'cache' in store;

export interface CacheCounters {
  /**
   * `hit`: answered from memory (the store asked at most for the unsealed tail); `load`: blocks
   * were read; `bypass`: not cacheable or cache off.
   */
  request(result: 'hit' | 'load' | 'bypass'): void;
  bytes(n: number): void;
}

export interface CachedStoreOptions {
  readonly maxBytes: number;
  readonly clock: Clock;
  readonly counters?: CacheCounters | undefined;
}

export interface CachedStore extends ReadingStore {
  /** The readings of a meter changed (change feed, or a delete in this process). */
  invalidate(meterId: string): void;
  /**
   * Whether every sealed day of the window is in memory: a read of it costs no store query but
   * for the unsealed tail.
   */
  holds(meterId: string, from: number, to: number): boolean;
  /** Serve from the store only, holding nothing, until `resume()`: the feed cannot be followed. */
  suspend(): void;
  resume(): void;
  readonly cache: MeterCache;
}

/**
 * A ReadingStore that keeps the registers of sealed UTC days in memory, per meter, and answers
 * `registers()` and single-meter `windows({fields: 'registers'})` from them; only the unsealed tail
 * (the last hours) and lookups past the meter's data still reach the store. Answers are the
 * store's, reading for reading (tested against both adapters). Everything else passes through;
 * writes and deletes through it drop their meters at once.
 */
export function createCachedStore(inner: ReadingStore, opts: CachedStoreOptions): CachedStore {
  const cache = new MeterCache(opts.maxBytes);
  let suspended = false;
  const count = (r: 'hit' | 'load' | 'bypass') => {
    opts.counters?.request(r);
    opts.counters?.bytes(cache.bytes);
  };

  const reader = sealedReader(inner, cache);
  const cacheable = (sealedEnd: number, from: number, to: number) =>
    !suspended &&
    from < sealedEnd &&
    from <= to &&
    (dayOf(to) - dayOf(from)) / DAY_MS <= MAX_CACHED_DAYS;

  /** The pieces of a window served from the cache, or undefined when it must go to the store. */
  async function fromCache(meterId: string, from: number, to: number): Promise<Pieces | undefined> {
    const sealedEnd = sealedEndAt(opts.clock.now());
    if (!cacheable(sealedEnd, from, to)) {
      count('bypass');
      return undefined;
    }
    const pieces = await reader.gather(meterId, from, to, sealedEnd);
    count(pieces.loaded ? 'load' : 'hit');
    return pieces;
  }

  async function windows(requests: readonly WindowRequest[]): Promise<Map<string, ReadingWindow>> {
    const [only] = requests;
    // Batch reads (settlement, retention: many meters once) stay one store round trip and do not
    // sweep the cache.
    if (requests.length !== 1 || only === undefined || only.fields !== 'registers') {
      requests.forEach(() => count('bypass'));
      return inner.windows(requests);
    }
    const pieces = await fromCache(only.meterId, only.from, only.to);
    return pieces === undefined
      ? inner.windows(requests)
      : new Map([[only.meterId, piecesToWindow(only.meterId, pieces)]]);
  }

  async function registers(meterId: string, from: number, to: number): Promise<RegisterColumns> {
    const pieces = await fromCache(meterId, from, to);
    return pieces === undefined ? inner.registers(meterId, from, to) : piecesToColumns(pieces);
  }

  return {
    kind: inner.kind,
    init: () => inner.init(),
    async writeBatch(readings) {
      try {
        await inner.writeBatch(readings);
      } finally {
        for (const id of new Set(readings.map((r) => r.meterId))) cache.invalidate(id);
      }
    },
    latest: (meterId) => inner.latest(meterId),
    counterEvents: (meterId, from, to) => inner.counterEvents(meterId, from, to),
    windows,
    registers,
    async deleteRanges(meterId, ranges) {
      cache.invalidate(meterId);
      try {
        return await inner.deleteRanges(meterId, ranges);
      } finally {
        cache.invalidate(meterId);
      }
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
    invalidate: (meterId) => cache.invalidate(meterId),
    holds(meterId, from, to) {
      const sealedEnd = sealedEndAt(opts.clock.now());
      if (!cacheable(sealedEnd, from, to)) return false;
      const blocks = cache.get(meterId)?.blocks;
      if (blocks === undefined) return false;
      const last = Math.min(dayOf(to), sealedEnd - DAY_MS);
      for (let d = dayOf(from); d <= last; d += DAY_MS) if (!blocks.has(d)) return false;
      return true;
    },
    suspend() {
      suspended = true;
      cache.clear();
    },
    resume() {
      suspended = false;
    },
    cache,
  };
}
