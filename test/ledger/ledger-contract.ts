import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addMeter, countMeters, findMeters, listMeters } from '../../src/fleet/meters-repo.js';
import { makeRejection, type Rejection, type RejectionReason } from '../../src/ingest/rejection.js';
import {
  insertRejections,
  listRejections,
  type RejectionPage,
} from '../../src/ingest/rejections-repo.js';
import type { LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { AppError } from '../../src/shared/app-error.js';
import { manualClock } from '../../src/shared/clock.js';

export interface LedgerUnderTest {
  /** A connection to a fresh, empty (not yet migrated) ledger. */
  readonly ledger: LedgerConnection;
  /** Another connection to the same ledger, for concurrency tests; the caller closes it. */
  readonly connectAgain?: () => LedgerConnection;
  /** Close the connection(s) and delete the ledger. */
  cleanup(): Promise<void>;
}

const T0 = '2026-11-29T18:00:00.000Z';

/**
 * The behaviour every ledger dialect must share: migrations, the fleet repository and the
 * rejections repository, run against a real database. `open` is called once per test and
 * must return a fresh ledger.
 */
export function describeLedgerContract(name: string, open: () => Promise<LedgerUnderTest>): void {
  describe(`ledger contract: ${name}`, () => {
    let t: LedgerUnderTest;
    let ledger: LedgerConnection;
    let clock: ReturnType<typeof manualClock>;

    beforeEach(async () => {
      t = await open();
      ledger = t.ledger;
      clock = manualClock(T0);
    });
    afterEach(async () => {
      await t.cleanup();
    });

    const migrationRows = async (db = ledger.db) => {
      const { rows } = await sql<{
        name: string;
      }>`select name from kysely_migration order by name`.execute(db);
      return rows.map((r) => r.name);
    };

    describe('migrations', () => {
      it('are idempotent: a second run changes nothing and keeps the data', async () => {
        await migrateLedger(ledger);
        await addMeter({ db: ledger.db, clock }, { id: 'm-1', installedAt: T0 });
        const applied = await migrationRows();
        expect(applied.length).toBeGreaterThan(0);

        await migrateLedger(ledger);
        expect(await migrationRows()).toEqual(applied);
        expect(await countMeters(ledger.db)).toBe(1);
      });

      it('run concurrently from two connections without error', async (ctx) => {
        if (t.connectAgain === undefined) ctx.skip();
        const other = t.connectAgain?.();
        if (other === undefined) return;
        try {
          await Promise.all([migrateLedger(ledger), migrateLedger(other)]);
          expect(await migrationRows(other.db)).toEqual(await migrationRows());
          await addMeter({ db: other.db, clock }, { id: 'm-1', installedAt: T0 });
          expect(await countMeters(ledger.db)).toBe(1);
        } finally {
          await other.close();
        }
      });
    });

    describe('meters', () => {
      beforeEach(async () => {
        await migrateLedger(ledger);
      });
      const deps = () => ({ db: ledger.db, clock });

      it('adds, lists (by id) and counts meters, round-tripping every field', async () => {
        expect(await countMeters(ledger.db)).toBe(0);
        expect(await listMeters(ledger.db)).toEqual([]);

        const b = await addMeter(deps(), {
          id: 'b.meter_2',
          contractId: 'C-42',
          installedAt: '2026-01-01T01:00:00+01:00',
          maxPowerW: 2500.5,
        });
        clock.advance(1000);
        const a = await addMeter(deps(), { id: 'A-1', installedAt: '2025-06-30T23:59:59.123Z' });
        const plain = {
          format: 'wattledger',
          source: null,
          counterResets: 'reject',
          registerMaxWh: null,
          decreaseToleranceWh: 0,
          removedAt: null,
        };
        expect(b).toEqual({
          id: 'b.meter_2',
          contractId: 'C-42',
          installedAt: Date.parse('2026-01-01T00:00:00Z'),
          maxPowerW: 2500.5,
          login: 'b.meter_2',
          ...plain,
        });
        expect(a).toEqual({
          id: 'A-1',
          contractId: null,
          installedAt: Date.parse('2025-06-30T23:59:59.123Z'),
          maxPowerW: null,
          login: 'A-1',
          ...plain,
        });

        // Binary order, not locale order: upper case sorts before lower case in both dialects.
        expect(await listMeters(ledger.db)).toEqual([a, b]);
        expect(await countMeters(ledger.db)).toBe(2);
        expect(typeof (await countMeters(ledger.db))).toBe('number');

        const rows = await ledger.db
          .selectFrom('meters')
          .select(['id', 'installed_at', 'created_at'])
          .orderBy('id')
          .execute();
        expect(rows).toEqual([
          {
            id: 'A-1',
            installed_at: '2025-06-30T23:59:59.123Z',
            created_at: '2026-11-29T18:00:01.000Z',
          },
          { id: 'b.meter_2', installed_at: '2026-01-01T00:00:00.000Z', created_at: T0 },
        ]);
      });

      it('finds meters by id in chunks beyond 500 ids, ignoring unknown ids', async () => {
        const ids = Array.from({ length: 1203 }, (_, i) => `m-${String(i).padStart(5, '0')}`);
        await ledger.db.transaction().execute(async (trx) => {
          for (const id of ids) await addMeter({ db: trx, clock }, { id, installedAt: T0 });
        });
        const unknown = Array.from({ length: 400 }, (_, i) => `unknown-${i}`);
        // Unknown ids spread over every chunk, the known ones out of order.
        const wanted = ids
          .flatMap((id, i) => (i % 3 === 0 ? [unknown[i % 400] ?? 'x', id] : [id]))
          .reverse();

        const found = await findMeters(ledger.db, wanted);
        expect(found.map((m) => m.id).sort()).toEqual(ids);
        expect(found.every((m) => m.installedAt === Date.parse(T0))).toBe(true);
        expect(await findMeters(ledger.db, [])).toEqual([]);
        expect(await findMeters(ledger.db, unknown)).toEqual([]);
        expect(await countMeters(ledger.db)).toBe(1203);
      });

      it('refuses a duplicate id with AppError conflict', async () => {
        await addMeter(deps(), { id: 'dup', installedAt: T0 });
        const err = await addMeter(deps(), {
          id: 'dup',
          installedAt: '2027-01-01T00:00:00Z',
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ code: 'conflict' });
        expect(await findMeters(ledger.db, ['dup'])).toEqual([
          {
            id: 'dup',
            contractId: null,
            installedAt: Date.parse(T0),
            maxPowerW: null,
            format: 'wattledger',
            source: null,
            login: 'dup',
            counterResets: 'reject',
            registerMaxWh: null,
            decreaseToleranceWh: 0,
            removedAt: null,
          },
        ]);
      });

      it('refuses a duplicate id with AppError conflict also when both adds race', async () => {
        // two pooled connections ready (PostgreSQL)
        await Promise.all([countMeters(ledger.db), countMeters(ledger.db)]);
        const results = await Promise.allSettled([
          addMeter(deps(), { id: 'race', installedAt: T0 }),
          addMeter(deps(), { id: 'race', installedAt: T0 }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected');
        expect(rejected?.reason).toBeInstanceOf(AppError);
        expect(rejected?.reason).toMatchObject({ code: 'conflict' });
        expect(await countMeters(ledger.db)).toBe(1);
      });

      it.each([
        ['an id with a space', { id: 'bad id', installedAt: T0 }],
        ['an empty id', { id: '', installedAt: T0 }],
        ['an id of 65 characters', { id: 'x'.repeat(65), installedAt: T0 }],
        ['an id starting with a dash', { id: '-m1', installedAt: T0 }],
        ['an installedAt that is no timestamp', { id: 'm1', installedAt: 'yesterday' }],
        ['an installedAt without a time zone', { id: 'm1', installedAt: '2026-01-01T00:00:00' }],
        ['an impossible installedAt', { id: 'm1', installedAt: '2026-02-30T00:00:00Z' }],
        ['a negative maxPowerW', { id: 'm1', installedAt: T0, maxPowerW: -1 }],
        [
          'a contractId of 65 characters',
          { id: 'm1', installedAt: T0, contractId: 'c'.repeat(65) },
        ],
      ])('refuses %s with AppError validation_failed and stores nothing', async (_what, input) => {
        const err = await addMeter(deps(), input).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ code: 'validation_failed' });
        expect(await countMeters(ledger.db)).toBe(0);
      });

      it('accepts the longest id the topic contract allows', async () => {
        const id = `M${'9'.repeat(63)}`;
        await addMeter(deps(), { id, contractId: 'c'.repeat(64), installedAt: T0 });
        expect((await findMeters(ledger.db, [id]))[0]?.contractId).toBe('c'.repeat(64));
      });
    });

    describe('rejections', () => {
      beforeEach(async () => {
        await migrateLedger(ledger);
      });

      let n = 0;
      const rejection = (over: Partial<Parameters<typeof makeRejection>[0]> = {}): Rejection =>
        makeRejection({
          reason: 'invalid_json',
          detail: 'payload is not JSON',
          meterId: 'm-1',
          topic: 'meters/m-1/readings',
          payload: `{"n":${++n}`,
          receivedAt: clock.now(),
          ...over,
        });
      const strip = ({ seq: _seq, ...r }: RejectionPage['items'][number]): Rejection => r;
      const all = async () => (await listRejections(ledger.db, { limit: 10_000 })).items;

      it('stores a rejection with every field intact', async () => {
        const r = rejection({
          reason: 'unknown_meter',
          detail: 'meter m-1 is not registered',
          receivedAt: Date.parse('2026-11-29T17:59:59.999Z'),
        });
        await insertRejections(ledger.db, clock, [r]);
        const items = await all();
        expect(items.map(strip)).toEqual([r]);
        expect(typeof items[0]?.seq).toBe('number');
        const row = await ledger.db
          .selectFrom('rejections')
          .select(['created_at', 'received_at'])
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ created_at: T0, received_at: '2026-11-29T17:59:59.999Z' });
      });

      it('is idempotent by id: a replayed batch (or a repeat inside one) adds no rows', async () => {
        const a = rejection();
        const b = rejection({
          meterId: null,
          reason: 'invalid_topic',
          topic: 'meters/bad id/readings',
        });
        await insertRejections(ledger.db, clock, [a, b]);
        await insertRejections(ledger.db, clock, [a, b]);
        await insertRejections(ledger.db, clock, [b, { ...b, detail: 'a replay may differ' }]);
        await insertRejections(ledger.db, clock, []);
        expect((await all()).map(strip)).toEqual([b, a]);
      });

      it('stores batches beyond 500 rows', async () => {
        const many = Array.from({ length: 1201 }, () => rejection());
        await insertRejections(ledger.db, clock, many);
        const items = await all();
        expect(items).toHaveLength(1201);
        expect(items.map((r) => r.id)).toEqual(many.map((r) => r.id).reverse());
      });

      it('round-trips unicode in payload, detail and topic', async () => {
        const r = rejection({
          detail: 'Zählerstand fällt: 1 234,5 → 1 230 kWh ⚡ (電力量計) 🔌',
          topic: 'meters/m-1/readings/ünïcødé',
          payload: '{"note":"Grüße aus Zürich — 電表 — 😀👩🏽‍🔧 — \u200b\u00a0 — Ω≈ç√"}',
        });
        await insertRejections(ledger.db, clock, [r]);
        expect((await all()).map(strip)).toEqual([r]);
        expect(r.payloadBytes).toBe(Buffer.byteLength(r.payload));
      });

      it('round-trips a payload cut at 64 KiB, ASCII and multi-byte', async () => {
        const ascii = rejection({ payload: Buffer.alloc(100_000, 'x') });
        const multi = rejection({ payload: 'é'.repeat(40_000) });
        expect(ascii.payload).toHaveLength(65_536);
        expect(Buffer.byteLength(multi.payload)).toBe(65_536);
        await insertRejections(ledger.db, clock, [ascii, multi]);
        const items = await all();
        expect(items.map(strip)).toEqual([multi, ascii]);
        expect(items.map((r) => r.payloadBytes)).toEqual([80_000, 100_000]);
      });

      it('stores binary garbage, NUL bytes included (PostgreSQL text cannot hold U+0000: it becomes U+FFFD)', async () => {
        const raw = Buffer.from([0x7b, 0x00, 0x22, 0xff, 0xfe, 0x00, 0x7d]);
        const r = rejection({
          payload: raw,
          detail: 'payload is not JSON: Unexpected token \u0000',
        });
        await insertRejections(ledger.db, clock, [r]);
        const [stored] = (await all()).map(strip);
        expect(stored).toEqual({
          ...r,
          payload: r.payload.replaceAll('\u0000', '\uFFFD'),
          detail: r.detail.replaceAll('\u0000', '\uFFFD'),
        });
        expect(stored?.payloadBytes).toBe(7);
      });

      it('lists newest first with a cursor: 5 rows at limit 2 make 3 pages, no overlap', async () => {
        const inserted: Rejection[] = [];
        for (let i = 0; i < 5; i++) {
          const r = rejection();
          inserted.push(r);
          await insertRejections(ledger.db, clock, [r]);
          clock.advance(1000);
        }
        const pages: RejectionPage[] = [];
        let before: number | undefined;
        do {
          const page = await listRejections(ledger.db, { limit: 2, before });
          pages.push(page);
          before = page.nextCursor;
        } while (before !== undefined && pages.length < 10);

        expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
        expect(pages.slice(0, 2).every((p) => typeof p.nextCursor === 'number')).toBe(true);
        expect(pages[2]).not.toHaveProperty('nextCursor');
        const ids = pages.flatMap((p) => p.items.map((r) => r.id));
        expect(ids).toEqual(inserted.map((r) => r.id).reverse());
        const seqs = pages.flatMap((p) => p.items.map((r) => r.seq));
        expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
        expect(new Set(seqs).size).toBe(5);
      });

      it('has no cursor when the last page is exactly full, and an empty page on an empty ledger', async () => {
        expect(await listRejections(ledger.db, { limit: 2 })).toEqual({ items: [] });
        await insertRejections(ledger.db, clock, [
          rejection(),
          rejection(),
          rejection(),
          rejection(),
        ]);
        const first = await listRejections(ledger.db, { limit: 2 });
        expect(first.nextCursor).toBeDefined();
        const second = await listRejections(ledger.db, { limit: 2, before: first.nextCursor });
        expect(second.items).toHaveLength(2);
        expect(second).not.toHaveProperty('nextCursor');
      });

      it('filters by meter and by reason, also while paginating', async () => {
        const rows: [string | null, RejectionReason][] = [
          ['m-1', 'invalid_json'],
          ['m-2', 'invalid_json'],
          ['m-1', 'unknown_meter'],
          [null, 'invalid_topic'],
          ['m-1', 'invalid_json'],
          ['m-2', 'future_timestamp'],
          ['m-1', 'invalid_json'],
        ];
        const inserted = rows.map(([meterId, reason]) => rejection({ meterId, reason }));
        await insertRejections(ledger.db, clock, inserted);
        const idsWhere = (pred: (r: Rejection) => boolean) =>
          inserted
            .filter(pred)
            .map((r) => r.id)
            .reverse();

        const byMeter = await listRejections(ledger.db, { limit: 100, meterId: 'm-1' });
        expect(byMeter.items.map((r) => r.id)).toEqual(idsWhere((r) => r.meterId === 'm-1'));
        const byReason = await listRejections(ledger.db, { limit: 100, reason: 'invalid_json' });
        expect(byReason.items.map((r) => r.id)).toEqual(
          idsWhere((r) => r.reason === 'invalid_json'),
        );
        const both = await listRejections(ledger.db, {
          limit: 100,
          meterId: 'm-2',
          reason: 'invalid_json',
        });
        expect(both.items.map((r) => r.id)).toEqual(
          idsWhere((r) => r.meterId === 'm-2' && r.reason === 'invalid_json'),
        );
        expect((await listRejections(ledger.db, { limit: 100, meterId: 'nope' })).items).toEqual(
          [],
        );

        const paged: string[] = [];
        let page = await listRejections(ledger.db, {
          limit: 2,
          meterId: 'm-1',
          reason: 'invalid_json',
        });
        paged.push(...page.items.map((r) => r.id));
        expect(page.nextCursor).toBeDefined();
        page = await listRejections(ledger.db, {
          limit: 2,
          meterId: 'm-1',
          reason: 'invalid_json',
          before: page.nextCursor,
        });
        paged.push(...page.items.map((r) => r.id));
        expect(page).not.toHaveProperty('nextCursor');
        expect(paged).toEqual(idsWhere((r) => r.meterId === 'm-1' && r.reason === 'invalid_json'));
      });
    });
  });
}
