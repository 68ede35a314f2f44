import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TIME, type Reading } from '../../src/readings/reading.js';
import { StoreWriteError, type ReadingStore } from '../../src/readings/reading-store.js';
import { plain } from '../support/columns.js';

export interface StoreFixture {
  readonly store: ReadingStore;
  /** Close the store and remove what the fixture created (database, file). */
  readonly cleanup: () => Promise<void>;
}

const T0 = Date.UTC(2026, 0, 15);
const MIN = 60_000;

/** A reading `minute` minutes after T0, received half a second later. */
function at(
  meterId: string,
  minute: number,
  importWh: number,
  extra: Partial<Reading> = {},
): Reading {
  const ts = T0 + minute * MIN;
  return { meterId, ts, importWh, receivedAt: ts + 500, ...extra };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The behaviour every ReadingStore adapter must share. One store per suite (created by `makeStore`,
 * then `init()`); every test uses its own meter ids, so tests do not see each other's data.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`ReadingStore contract: ${name}`, () => {
    let store: ReadingStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanup } = await makeStore());
      await store.init();
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('init is idempotent and ping answers', async () => {
      await store.init();
      await expect(store.ping()).resolves.toBeUndefined();
      expect(['influxdb', 'sqlite']).toContain(store.kind);
    });

    it('writes a batch and finds the latest reading by meter time, not by write order', async () => {
      const a = [
        at('latest-a', 30, 130, { powerW: 1.5 }),
        at('latest-a', 0, 100),
        at('latest-a', 15, 115),
      ];
      await store.writeBatch([...a, at('latest-b', 45, 7)]);
      await store.writeBatch([]);
      expect(await store.latest('latest-a')).toEqual(a[0]);
      expect(await store.latest('latest-b')).toEqual(at('latest-b', 45, 7));
      expect(await store.latest('latest-unknown')).toBeUndefined();
    });

    it('rewriting a key replaces the reading instead of adding one', async () => {
      await store.writeBatch([at('rewrite', 0, 100, { powerW: 5 })]);
      const again = at('rewrite', 0, 101, { powerW: 6, receivedAt: T0 + 9000 });
      await store.writeBatch([again]);
      await store.writeBatch([again]);
      expect(await store.latest('rewrite')).toEqual(again);
      const w = await store.windows([{ meterId: 'rewrite', from: T0 - MIN, to: T0 + MIN }]);
      expect(w.get('rewrite')?.inside).toEqual([again]);
    });

    it('a rewrite without optional fields keeps the earlier ones (InfluxDB merges fields per point)', async () => {
      await store.writeBatch([at('merge', 0, 100, { exportWh: 3, powerW: 2.5 })]);
      await store.writeBatch([at('merge', 0, 100)]);
      expect(await store.latest('merge')).toEqual(
        at('merge', 0, 100, { exportWh: 3, powerW: 2.5 }),
      );
    });

    it('keeps where the time came from and a multi-register meter’s registers by name', async () => {
      const received = at('tsrc-a', 0, 300, { tsSource: 'received' as const });
      const registered = at('tsrc-a', 15, 350, {
        registers: { HCHC: 120, HCHP: 230 },
      });
      const plain = at('tsrc-b', 15, 7);
      await store.writeBatch([received, registered, plain]);
      expect(await store.latest('tsrc-a')).toEqual(registered);
      expect(await store.latest('tsrc-b')).toEqual(plain);
      expect((await store.latest('tsrc-b'))?.registers).toBeUndefined();
      const w = await store.windows([
        { meterId: 'tsrc-a', from: T0 - MIN, to: T0 + 20 * MIN },
        { meterId: 'tsrc-b', from: T0 - MIN, to: T0 + 20 * MIN },
      ]);
      expect(w.get('tsrc-a')?.inside).toEqual([received, registered]);
      expect(w.get('tsrc-a')?.inside[0]?.tsSource).toBe('received');
      expect(w.get('tsrc-a')?.inside[1]?.tsSource).toBeUndefined();
      expect(w.get('tsrc-b')?.inside).toEqual([plain]);
    });

    it('a rewrite merges registers name by name, as InfluxDB merges fields', async () => {
      await store.writeBatch([at('reg-merge', 0, 30, { registers: { EASF01: 10, EASF02: 20 } })]);
      await store.writeBatch([at('reg-merge', 0, 31, { registers: { EASF02: 21 } })]);
      expect((await store.latest('reg-merge'))?.registers).toEqual({ EASF01: 10, EASF02: 21 });
    });

    it('keeps a reading’s counter span, device reset marker included', async () => {
      const reset = at('span-a', 15, 10_040, {
        span: {
          event: 'reset' as const,
          importOffsetWh: 10_000,
          counterStart: 'a "quoted" \\ marker',
        },
      });
      await store.writeBatch([at('span-a', 0, 10_000), reset]);
      expect(await store.latest('span-a')).toEqual(reset);
      const w = await store.windows([{ meterId: 'span-a', from: T0 - MIN, to: T0 + 20 * MIN }]);
      expect(w.get('span-a')?.inside.map((x) => x.span)).toEqual([undefined, reset.span]);
      // Only the reading where the counter did something, and only inside the range.
      expect(await store.counterEvents('span-a', T0 - MIN, T0 + 20 * MIN)).toEqual([reset]);
      expect(await store.counterEvents('span-a', T0 - MIN, T0 + MIN)).toEqual([]);
      expect(await store.counterEvents('span-b', T0 - MIN, T0 + 20 * MIN)).toEqual([]);
    });

    it('refuses a register name that a store would have to escape', async () => {
      const err = await store
        .writeBatch([at('reg-bad', 0, 1, { registers: { 'a b=c': 1 } })])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreWriteError);
      expect(await store.latest('reg-bad')).toBeUndefined();
    });

    it('windows: before, inside (bounds included) and after, for many meters in one call', async () => {
      const cases = {
        exact: [10, 30, 0, [10, 20, 30], 40],
        'no-before': [0, 5, undefined, [0], 10],
        'no-after': [35, 100, 30, [40], undefined],
        'empty-inside': [12, 18, 10, [], 20],
        'all-later': [-60, -30, undefined, [], 0],
        'all-earlier': [50, 60, 40, [], undefined],
        instant: [20, 20, 10, [20], 30],
      } as const;
      const meters = Object.keys(cases).map((c) => `win-${c}`);
      // 'win-exact' and 'win-exact-1' guard against prefix matching on meter ids.
      await store.writeBatch(
        [...meters, 'win-exact-1'].flatMap((m) =>
          [0, 10, 20, 30, 40].map((min) => at(m, min, 1000 + min, { powerW: min / 2 })),
        ),
      );
      const requests = Object.entries(cases).map(([c, [from, to]]) => ({
        meterId: `win-${c}`,
        from: T0 + from * MIN,
        to: T0 + to * MIN,
      }));
      const got = await store.windows([
        ...requests,
        { meterId: 'win-unknown', from: T0, to: T0 + 60 * MIN },
      ]);
      expect(got.size).toBe(requests.length + 1);
      for (const [c, [, , before, inside, after]] of Object.entries(cases)) {
        const m = `win-${c}`;
        const r = (min: number | undefined) =>
          min === undefined ? undefined : at(m, min, 1000 + min, { powerW: min / 2 });
        expect(got.get(m), c).toEqual({
          before: r(before),
          inside: inside.map(r),
          after: r(after),
        });
      }
      expect(got.get('win-unknown')).toEqual({ before: undefined, inside: [], after: undefined });
    });

    it('windows: an empty request list answers an empty map; one meter twice is refused', async () => {
      expect((await store.windows([])).size).toBe(0);
      await expect(
        store.windows([
          { meterId: 'x', from: T0, to: T0 },
          { meterId: 'x', from: T0, to: T0 + 1 },
        ]),
      ).rejects.toThrow(/twice/);
    });

    it('windows with fields "registers": the same registers and times; power and receive time may be left out', async () => {
      const rs = [
        at('regs', -5, 90, { exportWh: 1, powerW: 7.5 }),
        at('regs', 0, 100, { exportWh: 2, powerW: 8 }),
        at('regs', 5, 110, { powerW: 9 }),
      ];
      await store.writeBatch(rs);
      const w = (
        await store.windows([{ meterId: 'regs', from: T0, to: T0 + 4 * MIN, fields: 'registers' }])
      ).get('regs');
      const registers = (r: Reading | undefined) =>
        r && { ts: r.ts, importWh: r.importWh, exportWh: r.exportWh ?? null };
      expect([
        registers(w?.before),
        ...(w?.inside ?? []).map(registers),
        registers(w?.after),
      ]).toEqual(rs.map(registers));
    });

    it('registers: the window column by column, NaN where a reading has no export register', async () => {
      const rs = [
        at('cols', -5, 90, { exportWh: 1 }),
        at('cols', 0, 100),
        at('cols', 3, 104, { exportWh: 4 }),
        at('cols', 5, 110),
      ];
      await store.writeBatch(rs);
      expect(plain(await store.registers('cols', T0, T0 + 4 * MIN))).toEqual({
        ts: rs.map((r) => r.ts),
        importWh: [90, 100, 104, 110],
        exportWh: [1, Number.NaN, 4, Number.NaN],
      });
      await store.writeBatch([at('cols-no-export', 0, 5), at('cols-no-export', 1, 6)]);
      expect(plain(await store.registers('cols-no-export', T0, T0))).toEqual({
        ts: [T0, T0 + MIN],
        importWh: [5, 6],
        exportWh: undefined,
      });
      expect(plain(await store.registers('cols-unknown', T0, T0 + MIN))).toEqual({
        ts: [],
        importWh: [],
        exportWh: undefined,
      });
    });

    it('windows: 350 meters in one call', async () => {
      const meters = range(350).map((i) => `fleet-${i}`);
      await store.writeBatch(
        meters.flatMap((m, i) => [at(m, 0, i), at(m, 15, i + 1), at(m, 30, i + 2)]),
      );
      const got = await store.windows(
        meters.map((meterId) => ({ meterId, from: T0 + 10 * MIN, to: T0 + 20 * MIN })),
      );
      meters.forEach((m, i) => {
        expect(got.get(m), m).toEqual({
          before: at(m, 0, i),
          inside: [at(m, 15, i + 1)],
          after: at(m, 30, i + 2),
        });
      });
    });

    it('optional fields: absent stays absent, zero stays zero, floats round-trip exactly', async () => {
      const rs = [
        at('opt', 0, 0),
        at('opt', 1, 5, { exportWh: 0, powerW: 0 }),
        at('opt', 2, 6, { exportWh: 12, powerW: 850.5 }),
        at('opt', 3, 7, { powerW: 850 }),
        at('opt', 4, 8, { exportWh: 9, powerW: -1234.25 }),
        at('opt', 5, 9, { powerW: 0.1 + 0.2 }),
        at('opt', 6, 10, { powerW: 1e-7 }),
      ];
      await store.writeBatch(rs);
      const inside =
        (await store.windows([{ meterId: 'opt', from: T0, to: T0 + 10 * MIN }])).get('opt')
          ?.inside ?? [];
      expect(inside).toEqual(rs);
      expect(inside[0]?.exportWh).toBeUndefined();
      expect(inside[0]?.powerW).toBeUndefined();
      expect(inside[1]?.exportWh).toBe(0);
      expect(inside[1]?.powerW).toBe(0);
      expect(inside[3]?.exportWh).toBeUndefined();
    });

    it('a large batch (12,000 readings) round-trips, and writing it again changes nothing', async () => {
      const meters = ['big-0', 'big-1', 'big-2', 'big-3'];
      const batch = meters.flatMap((m) =>
        range(3000).map((i) => at(m, i, 10 * i, { powerW: i % 7 === 0 ? undefined : i / 4 })),
      );
      await store.writeBatch(batch);
      await store.writeBatch(batch);
      const got = await store.windows(
        meters.map((meterId) => ({ meterId, from: T0, to: T0 + 3000 * MIN })),
      );
      for (const m of meters) {
        expect(got.get(m)?.inside).toEqual(batch.filter((r) => r.meterId === m));
        expect(await store.latest(m)).toEqual(at(m, 2999, 29990, { powerW: 2999 / 4 }));
      }
    });

    it('meter ids with dots, dashes and underscores are matched exactly', async () => {
      const ids = ['site.A-01_x', 'a.b', 'a-b', 'a_b', 'A.B.C-1', '0.0'];
      await store.writeBatch(ids.map((id, i) => at(id, 0, i)));
      for (const [i, id] of ids.entries()) expect(await store.latest(id), id).toEqual(at(id, 0, i));
      expect(await store.latest('a')).toBeUndefined();
    });

    it('meter ids with quotes, commas, equals signs and spaces are escaped, not injected', async () => {
      const odd = ["it's", 'a,b=c d', "x' OR meter_id = 'y"];
      await store.writeBatch(odd.map((id, i) => at(id, 0, i)));
      const got = await store.windows(odd.map((meterId) => ({ meterId, from: T0, to: T0 })));
      odd.forEach((id, i) => expect(got.get(id)?.inside, id).toEqual([at(id, 0, i)]));
    });

    it('deleteRanges removes the readings inside each range (bounds included), of that meter only, and counts them', async () => {
      const minutes = range(12).map((i) => i * 15);
      await store.writeBatch(
        ['del-a', 'del-a-1'].flatMap((m) => minutes.map((min) => at(m, min, 100 + min))),
      );
      // Two gaps between kept readings, and one range holding nothing.
      const ranges = [
        { from: T0 + 15 * MIN, to: T0 + 45 * MIN },
        { from: T0 + 60 * MIN + 1, to: T0 + 120 * MIN },
        { from: T0 - 60 * MIN, to: T0 - MIN },
      ];
      expect(await store.deleteRanges('del-a', ranges)).toBe(3 + 4);
      const left = (await store.windows([{ meterId: 'del-a', from: T0 - MIN, to: T0 + 200 * MIN }]))
        .get('del-a')
        ?.inside.map((r) => (r.ts - T0) / MIN);
      expect(left).toEqual([0, 60, 135, 150, 165]);
      // Idempotent, and the meter whose id starts the same is untouched.
      expect(await store.deleteRanges('del-a', ranges)).toBe(0);
      expect(await store.deleteRanges('del-a', [])).toBe(0);
      expect(
        (await store.windows([{ meterId: 'del-a-1', from: T0, to: T0 + 200 * MIN }])).get('del-a-1')
          ?.inside,
      ).toHaveLength(12);
    });

    it('deleteRanges over ALL_TIME erases a meter entirely (erasure), and nothing of the others', async () => {
      await store.writeBatch([
        at('erase-me', -1e6, 1),
        at('erase-me', 0, 2),
        at('erase-me', 1e6, 3),
        at('keep-me', 0, 4),
      ]);
      expect(await store.deleteRanges('erase-me', [ALL_TIME])).toBe(3);
      expect(await store.latest('erase-me')).toBeUndefined();
      expect(await store.deleteRanges('erase-me', [ALL_TIME])).toBe(0);
      expect(await store.latest('keep-me')).toEqual(at('keep-me', 0, 4));
      await expect(store.deleteRanges('keep-me', [{ from: 1.5, to: 2 }])).rejects.toThrow(
        RangeError,
      );
    });

    it('refuses data it cannot store as a non-retryable StoreWriteError and stores nothing of that batch', async () => {
      const err = await store
        .writeBatch([at('refused-ok', 0, 1), at('refused-bad', 0, 1.5)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreWriteError);
      expect(err).toMatchObject({ retryable: false });
      expect(await store.latest('refused-ok')).toBeUndefined();
    });
  });
}
