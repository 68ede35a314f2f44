import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { Reading } from '../readings/reading.js';
import { StoreWriteError, type ReadingStore } from '../readings/reading-store.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { backoffDelay } from '../shared/backoff.js';
import type { MeterDirectory } from './meter-directory.js';
import { readingRejection, type Rejection } from './rejection.js';
import { insertRejections, rejectionIdOf } from './rejections-repo.js';
import { lateSpans } from '../readings/changes/late-readings.js';
import { recordReadingChanges, type ReadingChange } from '../readings/changes/reading-changes.js';
import { readingChangesOf } from './reading-changes-of.js';
import type { Spool, SpoolBatch } from './spool.js';
import { peopleWrittenMeters } from './people-written.js';
import { validateBatch } from './validate-batch.js';
import { writeIsolating } from './write-isolating.js';

export interface FlusherDeps {
  readonly spool: Spool;
  readonly store: ReadingStore;
  readonly db: Kysely<LedgerDatabase>;
  readonly meters: MeterDirectory;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Told of what a flush changed for readings caches, once it is in the change feed. */
  readonly onReadingChanges?: ((changes: readonly ReadingChange[]) => void) | undefined;
}

export interface FlusherOptions {
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly defaultMaxPowerW: number;
  /** True when this process is the only writer of its meters (no shared subscription). */
  readonly exclusiveWriter: boolean;
}

export interface Flusher {
  /** Tell the flusher that the spool grew. */
  notify(): void;
  /**
   * Stop; with `drainMs`, keep flushing until the spool is empty or the time is up. Resolves to
   * what is left.
   */
  stop(drainMs?: number): Promise<number>;
}

/**
 * Move spooled readings to the store and rejections to the ledger, batch by batch, removing them
 * from the spool only once both hold them. Outages are retried with backoff for as long as they
 * last.
 */
export function startFlusher(deps: FlusherDeps, opts: FlusherOptions): Flusher {
  const { spool, metrics, log } = deps;
  const latest = opts.exclusiveWriter ? new Map<string, Reading>() : undefined;
  const writtenByPeople = peopleWrittenMeters(deps.db);
  let wake: (() => void) | undefined;
  let stopping = false;
  let draining = false;
  let attempt = 0;
  let idle = false;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function flush(batch: SpoolBatch): Promise<void> {
    const started = performance.now();
    const idOf = (r: Reading) => rejectionIdOf(spool.instanceId, r);
    if (latest !== undefined) for (const id of await writtenByPeople()) latest.delete(id);
    const v = await validateBatch(
      { ...deps, defaultMaxPowerW: opts.defaultMaxPowerW, latest },
      batch.readings,
      idOf,
    );
    const refused = await writeIsolating(deps.store, v.accepted);
    const storeRejections: Rejection[] = refused.map(({ reading: r, message }) =>
      readingRejection(r, 'store_rejected', `the readings store refused it: ${message}`, idOf(r)),
    );
    const rejections = [...batch.rejections, ...v.rejections, ...storeRejections];
    await insertRejections(deps.db, deps.clock, rejections);
    const refusedSet = new Set(refused.map((x) => x.reading));
    const storedAt = deps.clock.now();
    // Duplicates too: if an earlier attempt stored this batch and failed before recording, this
    // records it.
    const stored = [
      ...(refusedSet.size === 0 ? v.accepted : v.accepted.filter((r) => !refusedSet.has(r))),
      ...v.duplicateReadings,
    ];
    const changes = readingChangesOf(
      stored,
      lateSpans(stored, storedAt),
      v.previousNewest,
      storedAt,
    );
    if (changes.length > 0) {
      const recorded = await recordReadingChanges(deps.db, changes, storedAt);
      deps.onReadingChanges?.(recorded);
    }
    spool.remove(batch);
    spool.checkpoint();
    if (latest !== undefined) {
      for (const [id, r] of v.newest) latest.set(id, r);
      for (const { reading } of refused) latest.delete(reading.meterId);
    }
    metrics.readingsStored.inc(v.accepted.length - refused.length);
    metrics.readingsDuplicate.inc(v.duplicates);
    for (const r of rejections) metrics.rejections.inc({ reason: r.reason });
    metrics.spoolDepth.set(spool.depth());
    metrics.flushBatchSize.observe(batch.readings.length);
    metrics.flushDuration.observe((performance.now() - started) / 1000);
  }

  async function loop(): Promise<void> {
    while (!stopping || draining) {
      if (spool.pending() === 0) {
        if (stopping) return;
        idle = true;
        await pause(1000);
        idle = false;
        continue;
      }
      if (spool.depth() < opts.batchSize && !stopping && attempt === 0) await pause(opts.lingerMs);
      const batch = spool.peek(opts.batchSize);
      try {
        await flush(batch);
        if (attempt > 0) log.info({ attempts: attempt }, 'flush recovered');
        attempt = 0;
      } catch (e) {
        attempt += 1;
        metrics.storeErrors.inc({ kind: e instanceof StoreWriteError ? 'store' : 'flush' });
        const delay = backoffDelay(attempt);
        log.warn(
          { err: e, attempt, retryInMs: Math.round(delay), spoolDepth: spool.depth() },
          'flush failed; the batch stays in the spool',
        );
        await pause(delay);
      }
    }
  }

  const running = loop();
  return {
    notify() {
      if (idle || spool.depth() >= opts.batchSize) wake?.();
    },
    async stop(drainMs = 0) {
      draining = drainMs > 0;
      stopping = true;
      wake?.();
      const deadline = setTimeout(() => {
        draining = false;
        wake?.();
      }, drainMs);
      await running;
      clearTimeout(deadline);
      return spool.pending();
    },
  };
}
