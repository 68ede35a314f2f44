import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterLookup } from '../../src/fleet/meter-lookup.js';
import { changeConsent } from '../../src/privacy/consent-repo.js';
import {
  meterConsumption,
  type MeterConsumptionInput,
} from '../../src/privacy/meter-consumption.js';
import { SEAL_MS } from '../../src/readings/cache/cached-store.js';
import { deleteReadings } from '../../src/readings/changes/delete-readings.js';
import { recordReadingChanges } from '../../src/readings/changes/reading-changes.js';
import {
  daySeriesSource,
  type DaySeriesSource,
} from '../../src/readings/days/day-series-source.js';
import {
  readDaysState,
  releaseDaysLease,
  takeDaysLease,
} from '../../src/readings/days/reading-days-repo.js';
import { summariseDays } from '../../src/readings/days/summarise-days.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { billingWorld, type BillingWorld, DAY, HOUR, Q, t } from '../support/billing-fixture.js';

const NOW = t('2026-10-20T10:00:00Z');

/** A store that counts the readings it answers: what a request cost in reads. */
function counting(inner: ReadingStore) {
  const read = { readings: 0 };
  const store: Pick<ReadingStore, 'registers' | 'windows'> = {
    async registers(meterId, from, to) {
      const c = await inner.registers(meterId, from, to);
      read.readings += c.ts.length;
      return c;
    },
    async windows(requests) {
      const w = await inner.windows(requests);
      for (const x of w.values())
        read.readings += x.inside.length + (x.before ? 1 : 0) + (x.after ? 1 : 0);
      return w;
    },
  };
  return { store, read };
}

/**
 * Meters in three zones with what makes days hard: a three-hour gap, a silent fortnight, five silent
 * days, export on some readings, a self-read, a counter reset, 5-minute and 15-minute cadences.
 */
function fleet(): Reading[] {
  const out: Reading[] = [];
  const add = (r: Omit<Reading, 'receivedAt'>) => out.push({ ...r, receivedAt: r.ts });
  for (let ts = t('2026-08-25T00:00Z'), i = 0; ts < NOW; ts += Q, i++) {
    if (ts > t('2026-09-10T06:00Z') && ts < t('2026-09-10T09:00Z')) continue;
    add({ meterId: 'paris-1', ts, importWh: 50_000 + i * 40, exportWh: i % 4 ? undefined : i });
  }
  for (let ts = t('2026-09-15T00:00Z'), i = 0; ts < t('2026-10-03T00:00Z'); ts += 5 * 60_000, i++)
    add({ meterId: 'paris-2', ts, importWh: 7_000 + i * 9 });
  for (let ts = t('2026-09-05T00:00Z'), i = 0; ts < NOW; ts += Q, i++) {
    const r: Omit<Reading, 'receivedAt'> = { meterId: 'kolkata', ts, importWh: 1_000 + i * 25 };
    if (ts === t('2026-09-20T10:00Z')) add({ ...r, source: 'customer' });
    else if (ts === t('2026-10-01T12:00Z')) add({ ...r, span: { event: 'reset' } });
    else add(r);
  }
  for (let ts = t('2026-09-01T00:00Z'), i = 0; ts < NOW; ts += HOUR, i++)
    add({ meterId: 'utc', ts, importWh: 3_000 + i * 100 });
  // Silent for five days around a range's start: its neighbour is further than the days read with
  // the range.
  for (let ts = t('2026-08-25T00:00Z'), i = 0; ts < NOW; ts += Q, i++)
    if (ts < t('2026-09-11T07:00Z') || ts > t('2026-09-16T05:00Z'))
      add({ meterId: 'paris-3', ts, importWh: 90_000 + i * 30 });
  return out;
}

const RANGES: readonly [string, string, 'day' | 'month'][] = [
  ['2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z', 'day'],
  ['2026-09-14T00:00:00Z', '2026-10-21T00:00:00Z', 'day'],
  ['2026-08-01T00:00:00Z', '2026-11-01T00:00:00Z', 'month'],
  ['2026-10-01T00:00:00Z', '2026-10-20T00:00:00Z', 'day'],
];
const METERS = ['paris-1', 'paris-2', 'paris-3', 'kolkata', 'utc'];

/**
 * Day summaries against one readings store and one ledger: summarised days answer consumption
 * exactly as the readings do, reading far fewer; the change feed keeps them exact.
 */
export function describeDaySummaries(
  name: string,
  open: () => Promise<{ store: ReadingStore; ledgerUrl: string; cleanup: () => Promise<void> }>,
): void {
  describe(`day summaries on ${name}`, () => {
    let world: BillingWorld;
    let cleanup: () => Promise<void>;
    let days: DaySeriesSource;
    let read: { readings: number };
    const summarise = () =>
      summariseDays({ db: world.ledger.db, store: world.store, clock: world.clock, holder: 'a' });

    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      world = await billingWorld(opened.ledgerUrl, 'r', opened.store);
      const fleetDeps = { db: world.ledger.db, clock: world.clock };
      const staff = { actor: 'staff:test', role: 'staff', visibility: { all: true } } as const;
      // Interval consent in Paris and UTC; day consent in Kolkata: its running bucket shows the
      // days that are over.
      for (const [meters, tz, consent] of [
        [['paris-1', 'paris-2', 'paris-3'], 'Europe/Paris', 'interval'],
        [['kolkata'], 'Asia/Kolkata', 'day'],
        [['utc'], 'UTC', 'interval'],
      ] as const) {
        const c = await world.contract('2026-08-01T00:00:00Z', meters, tz);
        await changeConsent(fleetDeps, staff, c.contractId, consent);
      }
      await world.store.writeBatch(fleet());
      world.clock.set(NOW);
      const c = counting(world.store);
      read = c.read;
      // No state cache: every request sees the summariser's last pass.
      days = daySeriesSource({ db: world.ledger.db, store: c.store, clock: world.clock }, 0);
    });
    afterAll(async () => {
      await world.close();
      await cleanup();
    });

    const meters = () => meterLookup({ db: world.ledger.db, clock: world.clock }, 0);
    const input = (meterId: string, r: (typeof RANGES)[number]): MeterConsumptionInput => ({
      visibility: { all: true },
      meterId,
      from: t(r[0]),
      to: t(r[1]),
      groupBy: r[2],
    });
    /** Each meter and range: from summaries (asserted used) and from readings, equal. */
    async function expectSameAnswers(used: boolean) {
      for (const id of METERS) {
        for (const r of RANGES) {
          const m = meters();
          const raw = await meterConsumption({ store: world.store, meters: m }, input(id, r));
          const fromDays = await meterConsumption(
            { store: world.store, meters: m, days },
            input(id, r),
          );
          expect(fromDays, `${id} ${r.join(' ')}`).toEqual(raw);
          const a = await m.get({ all: true }, id);
          const series = await days.series(id, a.timezone, raw.start, raw.end);
          expect(series !== undefined, `${id} ${r.join(' ')} from summaries`).toBe(used);
        }
      }
    }

    it('answers nothing before a first pass', async () => {
      expect(await readDaysState(world.ledger.db)).toBeUndefined();
      expect(
        await days.series(
          'paris-1',
          'Europe/Paris',
          t('2026-09-01T00:00+02:00'),
          t('2026-10-01T00:00+02:00'),
        ),
      ).toBeUndefined();
    });

    it('summarises every sealed local day once, one process at a time', async () => {
      // Another process holds the lease: this one does nothing.
      const first = await summariseDays({
        db: world.ledger.db,
        store: world.store,
        clock: world.clock,
        holder: 'b',
      });
      expect(first.ran).toBe(true);
      await takeDaysLease(world.ledger.db, 'other', NOW, NOW + HOUR);
      expect((await summarise()).ran).toBe(false);
      await releaseDaysLease(world.ledger.db, 'other');
      const state = await readDaysState(world.ledger.db);
      expect(state?.through).toBe(NOW - SEAL_MS);
      const again = await summarise();
      expect(again).toMatchObject({ ran: true, days: 0, changes: 0 });
    });

    it('answers day and month consumption exactly as the readings do', async () => {
      await expectSameAnswers(true);
    });

    it('reads about a row a day: a month costs a few readings, not thousands', async () => {
      const m = meters();
      read.readings = 0;
      await meterConsumption({ store: world.store, meters: m, days }, input('paris-1', RANGES[0]!));
      expect(read.readings).toBeLessThan(10);
      read.readings = 0;
      // The current month: the day not yet sealed (its 12 hours so far) comes from the store.
      await meterConsumption({ store: world.store, meters: m, days }, input('paris-1', RANGES[3]!));
      expect(read.readings).toBeLessThan(60);
    });

    it('follows late readings and deletions through the change feed', async () => {
      const db = world.ledger.db;
      // Readings fill the three-hour gap of September 10 late.
      const late: Reading[] = [];
      for (let ts = t('2026-09-10T06:15Z'); ts < t('2026-09-10T09:00Z'); ts += Q)
        late.push({
          meterId: 'paris-1',
          ts,
          importWh: 50_000 + ((ts - t('2026-08-25T00:00Z')) / Q) * 40,
          receivedAt: NOW,
        });
      await world.store.writeBatch(late);
      await recordReadingChanges(
        db,
        [{ meterId: 'paris-1', from: late[0]!.ts, to: late.at(-1)!.ts, kind: 'late' }],
        NOW,
      );
      await deleteReadings({ store: world.store, db, clock: world.clock }, 'kolkata', [
        { from: t('2026-09-21T00:00Z'), to: t('2026-09-23T00:00Z') },
      ]);
      const sep = [t('2026-08-31T22:00Z'), t('2026-09-30T22:00Z')] as const;
      // Until the feed rows are applied, those meters are answered from their readings.
      expect(await days.series('paris-1', 'Europe/Paris', ...sep)).toBeUndefined();
      expect(
        await days.series(
          'kolkata',
          'Asia/Kolkata',
          t('2026-08-31T18:30Z'),
          t('2026-09-30T18:30Z'),
        ),
      ).toBeUndefined();
      expect(await days.series('paris-2', 'Europe/Paris', ...sep)).toBeDefined();
      const pass = await summarise();
      expect(pass.changes).toBe(2);
      await expectSameAnswers(true);
      const raw = await meterConsumption(
        { store: world.store, meters: meters() },
        input('paris-1', RANGES[0]!),
      );
      expect(raw.buckets[9]?.quality).toBe('measured');
    });

    it('summarises the next day once it is sealed', async () => {
      world.clock.set(NOW + DAY);
      const pass = await summarise();
      expect(pass.through).toBe(NOW + DAY - SEAL_MS);
      await expectSameAnswers(true);
    });

    it('answers from the readings in another zone or per register', async () => {
      const m = meters();
      const x = { ...input('paris-1', RANGES[0]!), tz: 'UTC' };
      read.readings = 0;
      const a = await meterConsumption({ store: world.store, meters: m, days }, x);
      expect(a).toEqual(await meterConsumption({ store: world.store, meters: m }, x));
      expect(
        await days.series('paris-1', 'UTC', t('2026-09-01T00:00Z'), t('2026-10-01T00:00Z')),
      ).toBeUndefined();
    });
  });
}
