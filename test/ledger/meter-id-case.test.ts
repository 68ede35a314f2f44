import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMeter, listMeters } from '../../src/fleet/meters-repo.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { AppError } from '../../src/shared/app-error.js';
import { manualClock } from '../../src/shared/clock.js';
import { describeOnPostgres } from '../support/postgres-suite.js';

const T0 = '2026-11-29T18:00:00.000Z';
const BEFORE = '0006-reading-change-cursors';

const insertRaw = (ledger: LedgerConnection, ids: readonly string[]) =>
  ledger.db
    .insertInto('meters')
    .values(ids.map((id) => ({ id, contract_id: null, installed_at: T0, created_at: T0 })))
    .execute();

/** Migration 0007 (meter ids unique ignoring case, by the ledger) against one dialect. */
function describeMeterIdCase(name: string, open: () => Promise<LedgerConnection>): void {
  describe(`meter ids unique ignoring case (${name})`, () => {
    const withLedger = async (body: (ledger: LedgerConnection) => Promise<void>) => {
      const ledger = await open();
      try {
        await body(ledger);
      } finally {
        await ledger.close();
      }
    };

    it('refuses, naming them, to upgrade a ledger holding ids that differ only in case', () =>
      withLedger(async (ledger) => {
        await migrateLedger(ledger, { to: BEFORE });
        await insertRaw(ledger, ['Meter-1', 'meter-1', 'METER-1', 'x.A', 'X.a', 'ok-1', 'ok-2']);
        await expect(migrateLedger(ledger)).rejects.toThrow(
          /0007-meter-id-case failed: .*2 group\(s\).*METER-1 \/ Meter-1 \/ meter-1; X\.a \/ x\.A\. Rename or remove/,
        );
        // Nothing was lost or half-applied: once the twins are gone, the upgrade goes through.
        expect((await listMeters(ledger.db)).length).toBe(7);
        await ledger.db
          .deleteFrom('meters')
          .where('id', 'in', ['METER-1', 'meter-1', 'X.a'])
          .execute();
        await migrateLedger(ledger);
        expect((await listMeters(ledger.db)).map((m) => m.id)).toEqual([
          'Meter-1',
          'ok-1',
          'ok-2',
          'x.A',
        ]);
      }));

    it('enforces the rule in the ledger itself, and drops the index on the way down', () =>
      withLedger(async (ledger) => {
        await migrateLedger(ledger);
        await insertRaw(ledger, ['Meter-1']);
        await expect(insertRaw(ledger, ['meter-1'])).rejects.toThrow();
        await migrateLedger(ledger, { to: BEFORE });
        await insertRaw(ledger, ['meter-1']);
        expect((await listMeters(ledger.db)).map((m) => m.id)).toEqual(['Meter-1', 'meter-1']);
      }));

    it('answers conflict, not a driver error, when the ledger refuses a twin', () =>
      withLedger(async (ledger) => {
        await migrateLedger(ledger);
        const deps = { db: ledger.db, clock: manualClock(T0) };
        // Concurrent adds: on both dialects both pass addMeter's own check before either inserts.
        const outcomes = await Promise.allSettled([
          addMeter(deps, { id: 'Meter-7', installedAt: T0 }),
          addMeter(deps, { id: 'meter-7', installedAt: T0 }),
        ]);
        const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0]).toBeInstanceOf(AppError);
        expect(refused[0]).toMatchObject({ code: 'conflict' });
        expect((await listMeters(ledger.db)).map((m) => m.id.toLowerCase())).toEqual(['meter-7']);
        // Once settled, a twin is refused by addMeter's own check, naming the meter it clashes with.
        const kept = (await listMeters(ledger.db))[0]?.id === 'Meter-7' ? 'Meter-7' : 'meter-7';
        await expect(addMeter(deps, { id: 'METER-7', installedAt: T0 })).rejects.toThrow(
          `already exists as ${kept}`,
        );
      }));
  });
}

describeMeterIdCase('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-meter-case-'));
  const ledger = openLedger(`sqlite:${path.join(dir, 'ledger.db')}`);
  return {
    ...ledger,
    async close() {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeOnPostgres((createDatabase) => {
  describeMeterIdCase('PostgreSQL', async () => openLedger(await createDatabase()));
});
