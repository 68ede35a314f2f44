import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import {
  lastReadingChangeId,
  pruneReadingChanges,
  readingChangesAfter,
} from '../changes/reading-changes.js';
import type { CachedStore } from './cached-store.js';

export interface ChangeFollowerOptions {
  /** How often the feed is read: the longest a cached answer lags a late reading or a delete. */
  readonly pollMs: number;
  /**
   * With no successful read for this long, the cache is dropped and bypassed until the feed answers
   * again.
   */
  readonly staleAfterMs?: number;
  /**
   * Feed rows older than this are pruned (by whichever follower gets there), once the durable
   * readers (settlement, retention) have passed them too.
   */
  readonly keepMs?: number;
}

export interface ChangeFollower {
  /** Read the feed once (the timer calls it; tests call it to step). */
  poll(): Promise<void>;
  /**
   * Changes this process has already dropped from the cache (its own flush): not dropped again when
   * the feed shows them, which would only make the next requests read those meters' days once more.
   */
  applied(changes: readonly { readonly id: number }[]): void;
  stop(): Promise<void>;
}

/**
 * An identity column is taken at insert and visible at commit, so on PostgreSQL a row can appear
 * below ids already read. The follower therefore re-reads the last `LOOKBACK_MS` of ids every time
 * and skips those it handled: a transaction would have to stay open that long to be missed.
 */
const LOOKBACK_MS = 30_000;
const BATCH = 5000;

/**
 * Follow the readings change feed (`reading_changes`) and drop the meters it names from the cache.
 * Until the first read succeeds, and whenever the feed could not be read for `staleAfterMs`, the
 * cache is suspended: answers come from the store, never from memory that may be stale.
 */
export function startChangeFollower(
  deps: {
    readonly db: Kysely<LedgerDatabase>;
    readonly store: CachedStore;
    readonly clock: Clock;
    readonly log: Logger;
  },
  opts: ChangeFollowerOptions,
): ChangeFollower {
  const staleAfterMs = opts.staleAfterMs ?? Math.max(10_000, 5 * opts.pollMs);
  const keepMs = opts.keepMs ?? 86_400_000;
  const { store, clock, log } = deps;
  store.suspend();
  let floor: number | undefined;
  const seen = new Set<number>();
  const marks: { at: number; maxId: number }[] = [];
  let lastOk = clock.now();
  let lastPrune = 0;
  let failing = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function readOnce(): Promise<void> {
    const now = clock.now();
    if (floor === undefined) {
      // A new follower holds nothing yet: only changes from now on matter.
      floor = await lastReadingChangeId(deps.db);
      marks.push({ at: now, maxId: floor });
    }
    let maxId = marks.at(-1)?.maxId ?? floor;
    for (let from = floor; ;) {
      const rows = await readingChangesAfter(deps.db, from, BATCH);
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        store.invalidate(r.meterId);
      }
      maxId = Math.max(maxId, ...rows.map((r) => r.id));
      if (rows.length < BATCH) break;
      from = rows.at(-1)!.id;
    }
    marks.push({ at: now, maxId });
    // The floor trails the newest id by LOOKBACK_MS; ids below it are not re-read, so forget them.
    while (marks.length > 1 && marks[1]!.at <= now - LOOKBACK_MS) marks.shift();
    floor = marks[0]!.maxId;
    for (const id of seen) if (id <= floor) seen.delete(id);
    if (now - lastPrune >= 600_000) {
      lastPrune = now;
      await pruneReadingChanges(deps.db, now - keepMs);
    }
  }

  async function poll(): Promise<void> {
    const step = running.then(async () => {
      try {
        await readOnce();
        lastOk = clock.now();
        if (failing) log.info('readings change feed readable again; the readings cache is back on');
        failing = false;
        store.resume();
      } catch (err) {
        if (!failing) log.warn({ err }, 'cannot read the readings change feed');
        failing = true;
        if (clock.now() - lastOk >= staleAfterMs) {
          store.suspend();
          // Start over from the newest id once it works: nothing cached survives the suspension.
          floor = undefined;
          marks.length = 0;
          seen.clear();
        }
      }
    });
    running = step;
    return step;
  }

  const tick = () => {
    if (stopped) return;
    void poll().finally(() => {
      if (!stopped) timer = setTimeout(tick, opts.pollMs);
    });
  };
  tick();
  return {
    poll,
    applied(changes) {
      // Below the floor an id is never read again: nothing to skip.
      for (const c of changes) if (floor === undefined || c.id > floor) seen.add(c.id);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
