import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingChangesOf } from '../../src/ingest/reading-changes-of.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import {
  createCachedStore,
  SEAL_MS,
  type CachedStore,
} from '../../src/readings/cache/cached-store.js';
import {
  startChangeFollower,
  type ChangeFollower,
} from '../../src/readings/cache/change-follower.js';
import { deleteReadings } from '../../src/readings/changes/delete-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import type { Reading, ReadingWindow } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { manualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { mulberry32 } from '../../simulators/prng.js';
import { plain } from '../support/columns.js';

const H = 3_600_000;
const DAY = 24 * H;
const Q = 15 * 60_000;
const t = (iso: string) => Date.parse(iso);
/** "Now" for the suite: days before 2026-10-20 are sealed (now - 2 h is Oct 20 08:00). */
const NOW = t('2026-10-20T10:00:00Z');

/**
 * A small fleet with what makes windows hard: a live meter reaching into the unsealed hours, a
 * meter silent for two weeks, multi-day and sub-hour gaps, 5-minute and irregular cadences, export
 * registers on some readings only, and a meter with no reading at all.
 */
function fleet(): Reading[] {
  const out: Reading[] = [];
  const add = (meterId: string, ts: number, importWh: number, exportWh?: number) =>
    out.push({ meterId, ts, importWh, exportWh, receivedAt: ts });
  const rng = mulberry32(7);
  for (let ts = t('2026-09-01T00:00Z'), i = 0; ts <= NOW - Q; ts += Q, i += 1)
    add('live', ts, 10_000 + i * 37, i % 3 === 0 ? 500 + i : undefined);
  for (let ts = t('2026-09-10T00:00Z'), i = 0; ts <= t('2026-10-05T12:00Z'); ts += Q, i += 1)
    add('silent', ts, 5_000 + i * 11, 0);
  for (let ts = t('2026-09-20T00:00Z'), i = 0; ts <= NOW - 3 * H; ts += 5 * 60_000, i += 1) {
    // a gap of three and a half days
    if (ts > t('2026-10-01T06:00Z') && ts < t('2026-10-04T18:00Z')) continue;
    add('fast', ts, 1_000 + i * 3);
  }
  for (
    let ts = t('2026-09-25T00:00Z'), w = 0;
    ts <= NOW;
    ts += Math.floor(rng() * 7 * H) + 1, w += Math.floor(rng() * 500)
  )
    add('irregular', ts, w);
  return out;
}

const METERS = ['live', 'silent', 'fast', 'irregular', 'nothing'];
const regs = (r: Reading | undefined) =>
  r === undefined ? undefined : [r.ts, r.importWh, r.exportWh ?? null];
const windowRegs = (w: ReadingWindow | undefined) =>
  w === undefined
    ? undefined
    : { before: regs(w.before), inside: w.inside.map(regs), after: regs(w.after) };

/**
 * Random windows between late August and two days after now, some a single
 * instant, some on day edges.
 */
function windows(seed: number, n: number): { meterId: string; from: number; to: number }[] {
  const rng = mulberry32(seed);
  const lo = t('2026-08-25T00:00Z');
  const span = NOW + 2 * DAY - lo;
  return Array.from({ length: n }, (_, i) => {
    const a = lo + Math.floor(rng() * span);
    const len = [0, Q, H, DAY, 3 * DAY, 31 * DAY][i % 6]!;
    const from = i % 4 === 0 ? Math.floor(a / DAY) * DAY : a;
    return { meterId: METERS[i % METERS.length]!, from, to: Math.min(from + len, lo + span) };
  });
}

/**
 * The readings cache must answer exactly what its store answers, before and after changes that go
 * through the change feed: the same suite over the embedded store and InfluxDB.
 */
export function describeCachedStore(
  name: string,
  makeStore: () => Promise<{ store: ReadingStore; cleanup: () => Promise<void> }>,
): void {
  describe(`readings cache over ${name}`, () => {
    const clock = manualClock(NOW);
    const counts = { hit: 0, load: 0, bypass: 0 };
    let inner: ReadingStore;
    let cleanup: () => Promise<void>;
    let ledger: LedgerConnection;
    let cached: CachedStore;
    let follower: ChangeFollower;

    beforeAll(async () => {
      ({ store: inner, cleanup } = await makeStore());
      await inner.init();
      await inner.writeBatch(fleet());
      ledger = openLedger('sqlite::memory:');
      await migrateLedger(ledger);
      cached = createCachedStore(inner, {
        maxBytes: 64 * 1024 * 1024,
        clock,
        counters: { request: (r) => (counts[r] += 1), bytes: () => undefined },
      });
      follower = startChangeFollower(
        { db: ledger.db, store: cached, clock, log: createLogger('silent') },
        { pollMs: 3_600_000 },
      );
      await follower.poll();
    });
    afterAll(async () => {
      await follower.stop();
      await ledger.close();
      await cleanup();
    });

    /** Every window, as registers and as a registers window, from the cache and from the store. */
    async function expectSameAnswers(seed: number): Promise<void> {
      for (const w of windows(seed, 90)) {
        const label = `${w.meterId} ${new Date(w.from).toISOString()} .. ${new Date(w.to).toISOString()}`;
        expect(plain(await cached.registers(w.meterId, w.from, w.to)), label).toEqual(
          plain(await inner.registers(w.meterId, w.from, w.to)),
        );
        const req = [{ ...w, fields: 'registers' as const }];
        expect(windowRegs((await cached.windows(req)).get(w.meterId)), label).toEqual(
          windowRegs((await inner.windows(req)).get(w.meterId)),
        );
      }
    }

    it('answers what the store answers, the second time from memory', async () => {
      await expectSameAnswers(1);
      const before = { ...counts };
      await expectSameAnswers(1);
      expect(counts.hit - before.hit).toBeGreaterThan(100);
      expect(counts.load).toBe(before.load);
      expect(cached.cache.bytes).toBeGreaterThan(0);
    });

    it('says whether it holds every sealed day of a window', async () => {
      const store = createCachedStore(inner, { maxBytes: 1 << 24, clock });
      const [from, to] = [t('2026-09-05T03:00Z'), t('2026-09-08T21:00Z')];
      expect(store.holds('live', from, to)).toBe(false);
      await store.registers('live', from, to);
      expect(store.holds('live', from, to)).toBe(true);
      expect(store.holds('live', from - 5 * 86_400_000, to)).toBe(false);
      expect(store.holds('silent', from, to)).toBe(false);
      // The unsealed hours are never held, but never read from memory either.
      await store.registers('live', t('2026-10-18T00:00Z'), NOW);
      expect(store.holds('live', t('2026-10-18T00:00Z'), NOW)).toBe(true);
      store.invalidate('live');
      expect(store.holds('live', from, to)).toBe(false);
    });

    it('hands out a window inside one read as views of the cached columns, and copies the others', async () => {
      const store = createCachedStore(inner, { maxBytes: 1 << 24, clock });
      const ask = async (from: string, to: string) => {
        const got = await store.registers('live', t(from), t(to));
        expect(plain(got), `${from} .. ${to}`).toEqual(
          plain(await inner.registers('live', t(from), t(to))),
        );
        return ArrayBuffer.isView(got.ts) && ArrayBuffer.isView(got.importWh);
      };
      // read now, as one span
      expect(await ask('2026-09-05T03:07Z', '2026-09-07T21:00Z')).toBe(true);
      // inside it
      expect(await ask('2026-09-06T00:00Z', '2026-09-06T12:00Z')).toBe(true);
      // a second read
      expect(await ask('2026-09-12T00:00Z', '2026-09-12T06:00Z')).toBe(true);
      // three reads: copied
      expect(await ask('2026-09-06T00:00Z', '2026-09-12T06:00Z')).toBe(false);
      // reaches the unsealed hours
      expect(await ask('2026-10-19T00:00Z', '2026-10-20T09:00Z')).toBe(false);
      expect(await ask('2026-09-06T00:00Z', '2026-09-12T06:00Z')).toBe(false);
    });

    it('reads the store when the feed names late readings, a resumed meter or a delete', async () => {
      const late: Reading[] = [
        { meterId: 'fast', ts: t('2026-10-02T12:00Z'), importWh: 5_000, receivedAt: NOW },
      ];
      const resumed: Reading[] = [
        { meterId: 'silent', ts: NOW - 60_000, importWh: 9_999, exportWh: 3, receivedAt: NOW },
      ];
      await inner.writeBatch([...late, ...resumed]);
      // What the flusher would record: 'fast' is late, 'silent' was quiet since Oct 5.
      const changes = readingChangesOf(
        [...late, ...resumed],
        [{ meterId: 'fast', from: late[0]!.ts, to: late[0]!.ts, readings: 1 }],
        new Map([['silent', t('2026-10-05T12:00Z')]]),
        NOW,
      );
      expect(changes.map((c) => [c.meterId, c.kind])).toEqual([
        ['fast', 'late'],
        ['silent', 'resumed'],
      ]);
      await recordReadingChanges(ledger.db, changes, NOW);
      await deleteReadings({ store: inner, db: ledger.db, clock }, 'live', [
        { from: t('2026-09-15T00:00Z'), to: t('2026-09-15T06:00Z') },
      ]);
      await follower.poll();
      await expectSameAnswers(1);
      await expectSameAnswers(2);
    });

    it('serves what it holds until the feed speaks: the feed is what keeps it exact', async () => {
      const probe = {
        meterId: 'irregular',
        from: t('2026-10-01T00:00Z'),
        to: t('2026-10-03T00:00Z'),
      };
      const held = plain(await cached.registers(probe.meterId, probe.from, probe.to));
      await inner.writeBatch([
        {
          meterId: 'irregular',
          ts: t('2026-10-02T00:00:00.001Z'),
          importWh: 123_456_789,
          receivedAt: NOW,
        },
      ]);
      expect(plain(await cached.registers(probe.meterId, probe.from, probe.to))).toEqual(held);
      await recordReadingChanges(
        ledger.db,
        [
          {
            meterId: 'irregular',
            from: t('2026-10-02T00:00:00.001Z'),
            to: t('2026-10-02T00:00:00.001Z'),
            kind: 'late',
          },
        ],
        NOW,
      );
      await follower.poll();
      const fresh = plain(await cached.registers(probe.meterId, probe.from, probe.to));
      expect(fresh).toEqual(plain(await inner.registers(probe.meterId, probe.from, probe.to)));
      expect(fresh).not.toEqual(held);
    });

    it('does not drop a meter again for feed rows this process applied itself', async () => {
      const w = { meterId: 'fast', from: t('2026-09-21T00:00Z'), to: t('2026-09-23T00:00Z') };
      const late = { meterId: 'fast', from: w.from + H, to: w.from + H, kind: 'late' as const };
      await cached.registers(w.meterId, w.from, w.to);
      const loads = counts.load;
      const own = await recordReadingChanges(ledger.db, [late, { ...late, meterId: 'live' }], NOW);
      expect(own.map((c) => [c.meterId, c.kind, c.from])).toEqual(
        expect.arrayContaining([
          ['fast', 'late', late.from],
          ['live', 'late', late.from],
        ]),
      );
      expect(new Set(own.map((c) => c.id)).size).toBe(2);
      follower.applied(own);
      await follower.poll();
      await cached.registers(w.meterId, w.from, w.to);
      expect(counts.load).toBe(loads);
      // The same change written by another process: the feed is how this one learns of it.
      await recordReadingChanges(ledger.db, [late], NOW);
      await follower.poll();
      await cached.registers(w.meterId, w.from, w.to);
      expect(counts.load).toBe(loads + 1);
    });

    it('answers from the store only while the feed cannot be read', async () => {
      const broken = openLedger('sqlite::memory:');
      await migrateLedger(broken);
      const store = createCachedStore(inner, {
        maxBytes: 1 << 20,
        clock,
        counters: { request: (r) => (counts[r] += 1), bytes: () => undefined },
      });
      const f = startChangeFollower(
        { db: broken.db, store, clock, log: createLogger('silent') },
        { pollMs: 3_600_000, staleAfterMs: 1 },
      );
      await f.poll();
      const w = { meterId: 'live', from: t('2026-09-10T00:00Z'), to: t('2026-09-12T00:00Z') };
      plain(await store.registers(w.meterId, w.from, w.to));
      expect(store.cache.size).toBe(1);
      await broken.close();
      clock.advance(10);
      await f.poll();
      const bypassed = counts.bypass;
      expect(plain(await store.registers(w.meterId, w.from, w.to))).toEqual(
        plain(await inner.registers(w.meterId, w.from, w.to)),
      );
      expect(counts.bypass).toBe(bypassed + 1);
      expect(store.cache.size).toBe(0);
      await f.stop();
    });

    it('sees a live reading at once, without the feed: unsealed hours are never held', async () => {
      const w = { meterId: 'live', from: t('2026-10-18T00:00Z'), to: NOW + H };
      const was = plain(await cached.registers(w.meterId, w.from, w.to));
      await inner.writeBatch([
        { meterId: 'live', ts: NOW - 60_000, importWh: 999_999, receivedAt: NOW },
      ]);
      const now = plain(await cached.registers(w.meterId, w.from, w.to));
      expect(now).toEqual(plain(await inner.registers(w.meterId, w.from, w.to)));
      expect(now.ts.length).toBe(was.ts.length + 1);
    });

    it('seals more days as the clock moves, and stays exact under a tight memory budget', async () => {
      clock.advance(2 * DAY + SEAL_MS);
      await expectSameAnswers(3);
      const small = createCachedStore(inner, { maxBytes: 40_000, clock });
      small.resume();
      for (const w of windows(4, 60))
        expect(plain(await small.registers(w.meterId, w.from, w.to))).toEqual(
          plain(await inner.registers(w.meterId, w.from, w.to)),
        );
      expect(small.cache.bytes).toBeLessThanOrEqual(40_000 + 60_000);
    });
  });
}
