import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  markLateReadingsProcessed,
  pendingLateReadings,
} from '../../src/billing/records/pending-late-readings.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { LateArrivalTable } from '../../src/ledger/migrations/0006-reading-change-cursors.js';
import type { LedgerDatabase } from '../../src/ledger/schema.js';
import { runRetentionJob } from '../../src/privacy/retention/retention-job.js';
import { lateArrivalsOf } from '../../src/privacy/retention/retention-records.js';
import { advanceCursor } from '../../src/readings/changes/reading-change-cursors.js';
import {
  pruneReadingChanges,
  recordReadingChanges,
  type NewReadingChange,
} from '../../src/readings/changes/reading-changes.js';
import { manualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { describeOnPostgres } from '../support/postgres-suite.js';

const t = (iso: string) => Date.parse(iso);
const late = (meterId: string, from: string, to = from): NewReadingChange => ({
  meterId,
  from: t(from),
  to: t(to),
  kind: 'late',
});

/** The ledger as migration 0005 left it, for filling an old schema. */
type Before = Pick<LedgerDatabase, 'reading_changes' | 'retention_marks'> & {
  late_arrivals: LateArrivalTable;
};

const arrival = (meterId: string, at: string, processedAt: string | null) => ({
  meter_id: meterId,
  from_ts: '2026-08-10T00:00:00.000Z',
  to_ts: '2026-08-10T06:00:00.000Z',
  readings: 25,
  received_at: at,
  processed_at: processedAt,
});

const cursorsOf = async (ledger: LedgerConnection) =>
  (
    await ledger.db
      .selectFrom('reading_change_cursors')
      .select(['reader', 'last_id'])
      .orderBy('reader')
      .execute()
  ).map((r) => [r.reader, Number(r.last_id)]);

/**
 * The readings change feed as the one record of late readings: the upgrade from `late_arrivals`, the
 * cursors of its durable readers (settlement, retention), and pruning only what they all passed.
 */
function describeFeed(name: string, open: () => Promise<LedgerConnection>): void {
  /** Run `test` on a fresh ledger (migrated to the latest, unless `migrated` is false). */
  const withLedger = async (test: (ledger: LedgerConnection) => Promise<void>, migrated = true) => {
    const ledger = await open();
    try {
      if (migrated) await migrateLedger(ledger);
      await test(ledger);
    } finally {
      await ledger.close();
    }
  };

  describe(`the readings change feed and its readers (${name})`, () => {
    it('0006 carries late arrivals into the feed: pending ones for settlement, those retention still needs, nothing lost; and back', () =>
      withLedger(async (ledger) => {
        await migrateLedger(ledger, { to: '0005-reading-changes' });
        const old = ledger.db as unknown as Kysely<Before>;
        // 0005-era ingest wrote each late arrival to the feed too; this one's twin is long pruned.
        await old
          .insertInto('reading_changes')
          .values([
            { meter_id: 'pending-1', from_ms: 1, to_ms: 2, kind: 'late', recorded_at: 'x' },
            { meter_id: 'other', from_ms: 1, to_ms: 2, kind: 'resumed', recorded_at: 'x' },
          ])
          .execute();
        await old
          .insertInto('late_arrivals')
          .values([
            arrival('done', '2026-09-02T00:00:00.000Z', '2026-09-02T00:15:00.000Z'),
            arrival('after-mark', '2026-09-05T00:00:00.000Z', '2026-09-05T00:15:00.000Z'),
            arrival('before-mark', '2026-09-03T00:00:00.000Z', '2026-09-03T00:15:00.000Z'),
            arrival('pending-1', '2026-09-06T00:00:00.000Z', null),
            arrival('pending-2', '2026-09-07T00:00:00.000Z', null),
          ])
          .execute();
        const mark = { period_id: 'p-1', kept: 'day', done_at: '2026-09-04T00:00:00.000Z' };
        await old
          .insertInto('retention_marks')
          .values([
            { meter_id: 'after-mark', ...mark },
            { meter_id: 'before-mark', ...mark },
          ])
          .execute();

        await migrateLedger(ledger);
        const pending = await pendingLateReadings(ledger.db, 100);
        expect(pending.changes.map((c) => [c.meterId, c.kind, c.from, c.to])).toEqual(
          ['pending-1', 'pending-2'].map((m) => [
            m,
            'late',
            t('2026-08-10T00:00:00Z'),
            t('2026-08-10T06:00:00Z'),
          ]),
        );
        const landedSince = await lateArrivalsOf(ledger.db, ['after-mark', 'before-mark', 'done']);
        const inAugust = [t('2026-08-01T00:00:00Z'), t('2026-09-01T00:00:00Z')] as const;
        expect(landedSince('after-mark', ...inAugust, t(mark.done_at))).toBe(true);
        expect(landedSince('before-mark', ...inAugust, t(mark.done_at))).toBe(false);
        expect(landedSince('done', ...inAugust, 0)).toBe(false);
        // Retention passed the feed as it was; settlement passed the processed arrivals too.
        expect(await cursorsOf(ledger)).toEqual([
          ['retention', 2],
          ['settlement', 3],
        ]);
        await expect(old.selectFrom('late_arrivals').selectAll().execute()).rejects.toThrow();

        await migrateLedger(ledger, { to: '0005-reading-changes' });
        const back = await old
          .selectFrom('late_arrivals')
          .select(['meter_id', 'from_ts', 'to_ts', 'received_at', 'processed_at'])
          .execute();
        expect(back).toEqual(
          [
            ['pending-1', '2026-09-06T00:00:00.000Z'],
            ['pending-2', '2026-09-07T00:00:00.000Z'],
          ].map(([m, at]) => {
            const { readings: _unknown, ...row } = arrival(m!, at!, null);
            return row;
          }),
        );
      }, false));

    it('a reader reads past its own cursor, which moves only forward, and only when told', () =>
      withLedger(async (ledger) => {
        const at = t('2026-10-01T00:00:00Z');
        await recordReadingChanges(
          ledger.db,
          [
            late('a', '2026-09-01T00:00:00Z'),
            { ...late('b', '2026-09-02T00:00:00Z'), kind: 'resumed' },
          ],
          at,
        );
        const first = await pendingLateReadings(ledger.db, 100);
        expect(first.changes.map((c) => c.meterId)).toEqual(['a']);
        // Not processed yet: read again.
        expect((await pendingLateReadings(ledger.db, 100)).changes).toEqual(first.changes);
        await recordReadingChanges(ledger.db, [late('c', '2026-09-03T00:00:00Z')], at);
        await markLateReadingsProcessed(ledger.db, first.upTo);
        const second = await pendingLateReadings(ledger.db, 1);
        expect(second.changes.map((c) => c.meterId)).toEqual(['c']);
        expect(second.upTo).toBe(second.changes[0]?.id);
        await markLateReadingsProcessed(ledger.db, second.upTo);
        await markLateReadingsProcessed(ledger.db, first.upTo); // a slower, older run finishing last
        expect((await pendingLateReadings(ledger.db, 100)).changes).toEqual([]);
        expect(await cursorsOf(ledger)).toContainEqual(['settlement', second.upTo]);
      }));

    it('prunes only rows older than asked that every reader has passed', () =>
      withLedger(async (ledger) => {
        const old = t('2026-10-01T00:00:00Z');
        const recent = t('2026-10-02T00:00:00Z');
        const rows = await recordReadingChanges(
          ledger.db,
          ['m-1', 'm-2', 'm-3'].map((m) => late(m, '2026-09-01T00:00:00Z')),
          old,
        );
        const [newest] = await recordReadingChanges(
          ledger.db,
          [late('m-4', '2026-09-01T00:00:00Z')],
          recent,
        );
        const ids = rows.map((r) => r.id).sort((a, b) => a - b);
        await advanceCursor(ledger.db, 'settlement', ids[1]!);
        await advanceCursor(ledger.db, 'retention', ids[2]!);
        const left = async () =>
          (
            await ledger.db.selectFrom('reading_changes').select('meter_id').orderBy('id').execute()
          ).map((r) => r.meter_id);

        expect(await pruneReadingChanges(ledger.db, recent)).toBe(2);
        expect(await left()).toEqual(['m-3', 'm-4']); // settlement has not passed m-3; m-4 is too new
        await advanceCursor(ledger.db, 'settlement', newest!.id);
        expect(await pruneReadingChanges(ledger.db, recent + 1)).toBe(1);
        expect(await left()).toEqual(['m-4']); // retention has not passed it
      }));

    it('prunes rows that only the caches read by age alone, whatever the cursors', () =>
      withLedger(async (ledger) => {
        const old = t('2026-10-01T00:00:00Z');
        await advanceCursor(ledger.db, 'retention', 0);
        await recordReadingChanges(
          ledger.db,
          [
            late('m-1', '2026-09-01T00:00:00Z'),
            { ...late('m-2', '2026-09-01T00:00:00Z'), kind: 'deleted' },
            { ...late('m-3', '2026-09-01T00:00:00Z'), kind: 'resumed' },
          ],
          old,
        );
        expect(await pruneReadingChanges(ledger.db, old + 1)).toBe(2);
        const left = await ledger.db.selectFrom('reading_changes').select('meter_id').execute();
        expect(left.map((r) => r.meter_id)).toEqual(['m-1']);
      }));

    it('a retention run that completes moves retention past the feed as it was when the run began', () =>
      withLedger(async (ledger) => {
        const at = t('2026-10-01T00:00:00Z');
        const [row] = await recordReadingChanges(
          ledger.db,
          [late('m', '2026-09-01T00:00:00Z')],
          at,
        );
        const deps = {
          db: ledger.db,
          store: {
            windows: () => Promise.reject(new Error('no contract, no read')),
            deleteRanges: () => Promise.reject(new Error('no contract, no delete')),
          },
          clock: manualClock(at),
          log: createLogger('silent'),
        };
        const result = await runRetentionJob(
          deps,
          { retentionMonths: 12, backBillingMonths: 14 },
          { actor: 'cron' },
        );
        expect(result.failed).toBe(0);
        expect(await cursorsOf(ledger)).toContainEqual(['retention', row!.id]);
      }));
  });
}

describeFeed('SQLite', async () => openLedger('sqlite::memory:'));

describeOnPostgres((createDatabase) => {
  describeFeed('PostgreSQL', async () => openLedger(await createDatabase()));

  it('a reader waits for a feed insert still in flight rather than move past its id', async () => {
    const ledger = openLedger(await createDatabase());
    try {
      await migrateLedger(ledger);
      const at = t('2026-10-01T00:00:00Z');
      let reading: ReturnType<typeof pendingLateReadings> | undefined;
      await ledger.db.transaction().execute(async (tx) => {
        // Takes the lower id, and commits last.
        await recordReadingChanges(tx, [late('slow', '2026-09-01T00:00:00Z')], at);
        await recordReadingChanges(ledger.db, [late('fast', '2026-09-02T00:00:00Z')], at);
        reading = pendingLateReadings(ledger.db, 100);
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      const batch = await reading!;
      expect(batch.changes.map((c) => c.meterId)).toEqual(['slow', 'fast']);
      expect(batch.upTo).toBe(batch.changes[1]?.id);
    } finally {
      await ledger.close();
    }
  });
});
