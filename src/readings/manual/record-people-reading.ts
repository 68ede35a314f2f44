import type { Kysely } from 'kysely';
import { recordAudit, type AuditAction } from '../../audit/audit-log.js';
import { readingChangesOf } from '../../ingest/reading-changes-of.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { Clock } from '../../shared/clock.js';
import { toRfc3339 } from '../../shared/time.js';
import { lateSpans } from '../changes/late-readings.js';
import { recordReadingChanges, type ReadingChange } from '../changes/reading-changes.js';
import { fromStore } from '../from-store.js';
import type { Reading, ReadingWindow } from '../reading.js';
import type { ReadingStore } from '../reading-store.js';
import {
  insertManualEntry,
  type ManualEntry,
  type NewManualEntry,
} from './manual-readings-repo.js';

/** What entering and correcting readings use. */
export interface ManualReadingDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows' | 'writeBatch'>;
  readonly clock: Clock;
  /** `DEFAULT_MAX_POWER_W` of the deployment, for meters that declare no maximum. */
  readonly defaultMaxPowerW?: number | undefined;
  /** Told of what was recorded in the change feed (the readings caches of this process). */
  readonly onReadingChanges?: ((changes: readonly ReadingChange[]) => void) | undefined;
}

/**
 * The meter's newest stored reading before `reading`, when `reading` becomes its newest (null when
 * it had none): how ingest tells a meter that speaks again after a silence (see
 * `readingChangesOf`).
 */
export function previousNewestOf(
  reading: Reading,
  window: ReadingWindow | undefined,
): Map<string, number | null> {
  if (window?.after !== undefined || window?.inside.some((r) => r.ts > reading.ts))
    return new Map();
  const own = window?.inside.find((r) => r.ts === reading.ts);
  return new Map([[reading.meterId, own?.ts ?? window?.before?.ts ?? null]]);
}

/**
 * Store a reading a person took, then record in one ledger transaction its entry, its audit row
 * and what it changed in the readings change feed, by the rules a flushed reading follows: late
 * (stored more than an hour after its meter time) or a meter speaking again after a silence. The
 * readings caches, settlement (held periods, adjustments of settled ones) and retention hear of it
 * from there. The store is written first: a failure in between leaves the reading stored without
 * its entry, and the same request sent again finds it stored and records what is missing.
 */
export async function recordPeopleReading(
  deps: ManualReadingDeps,
  write: {
    readonly reading: Reading;
    readonly alreadyStored: boolean;
    readonly window: ReadingWindow | undefined;
    readonly entry: NewManualEntry;
    readonly audit: { readonly action: AuditAction; readonly contractId: string | null };
  },
): Promise<ManualEntry> {
  const { reading, entry } = write;
  if (!write.alreadyStored)
    await fromStore('the reading (it was not stored)', deps.store.writeBatch([reading]));
  const now = deps.clock.now();
  const changes = readingChangesOf(
    [reading],
    lateSpans([reading], now),
    previousNewestOf(reading, write.window),
    now,
  );
  const { saved, recorded } = await deps.db.transaction().execute(async (tx) => {
    const saved = await insertManualEntry(tx, entry);
    await recordAudit(tx, now, [
      {
        actor: entry.enteredBy,
        action: write.audit.action,
        contractId: write.audit.contractId,
        detail: {
          entryId: saved.id,
          meterId: entry.meterId,
          ts: toRfc3339(entry.ts),
          source: entry.source,
          importWh: reading.importWh,
          exportWh: reading.exportWh ?? null,
          ...(entry.kind === 'correction'
            ? { reason: entry.note, replaced: entry.replaced }
            : { note: entry.note }),
        },
      },
    ]);
    const recorded = changes.length === 0 ? [] : await recordReadingChanges(tx, changes, now);
    return { saved, recorded };
  });
  if (recorded.length > 0) deps.onReadingChanges?.(recorded);
  return saved;
}
