import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMeter } from '../fleet/meters-repo.js';
import { openLedger, type LedgerConnection } from '../ledger/connect.js';
import { migrateLedger } from '../ledger/migrate.js';
import { manualClock } from '../shared/clock.js';
import { createMeterDirectory } from './meter-directory.js';

const T0 = '2026-10-20T10:00:00.000Z';

describe('the meter directory of ingest', () => {
  const clock = manualClock(T0);
  let ledger: LedgerConnection;
  beforeAll(async () => {
    ledger = openLedger('sqlite::memory:');
    await migrateLedger(ledger);
    await addMeter({ db: ledger.db, clock }, { id: 'known', installedAt: T0, maxPowerW: 1000 });
  });
  afterAll(async () => {
    await ledger.close();
  });
  const setMaxPower = (id: string, w: number) =>
    ledger.db.updateTable('meters').set({ max_power_w: w }).where('id', '=', id).execute();

  it('re-reads a known meter after ttlMs, an unknown id after negativeTtlMs', async () => {
    const meters = createMeterDirectory(ledger.db, clock, 60_000, 5_000);
    const first = await meters.resolve(['known', 'late']);
    expect(first.get('known')?.maxPowerW).toBe(1000);
    expect(first.has('late') && first.get('late') === undefined).toBe(true);

    await setMaxPower('known', 2000);
    await addMeter({ db: ledger.db, clock }, { id: 'late', installedAt: T0 });
    clock.advance(4_999);
    expect((await meters.resolve(['late'])).get('late')).toBeUndefined();
    clock.advance(1);
    expect((await meters.resolve(['late'])).get('late')?.id).toBe('late');
    expect((await meters.resolve(['known'])).get('known')?.maxPowerW).toBe(1000);
    clock.advance(55_000);
    expect((await meters.resolve(['known'])).get('known')?.maxPowerW).toBe(2000);
  });

  it('forgets one meter, or all, when told', async () => {
    const meters = createMeterDirectory(ledger.db, clock);
    await meters.resolve(['known', 'late']);
    await setMaxPower('known', 3000);
    await setMaxPower('late', 4000);
    meters.invalidate('known');
    const one = await meters.resolve(['known', 'late']);
    expect([one.get('known')?.maxPowerW, one.get('late')?.maxPowerW]).toEqual([3000, null]);
    meters.invalidate();
    expect((await meters.resolve(['late'])).get('late')?.maxPowerW).toBe(4000);
  });
});
