import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tariffSchema } from '../../src/billing/tariff-schema.js';
import { createContract } from '../../src/fleet/contracts.js';
import { createCustomer } from '../../src/fleet/customers.js';
import { createMeter } from '../../src/fleet/meters-repo.js';
import { createTariff } from '../../src/fleet/tariffs.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { Reading } from '../../src/readings/reading.js';
import { createReadingStore } from '../../src/readings/create-store.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { havePostgres, startPostgres, type PostgresHandle } from '../harness/postgres.js';
import { waitFor } from '../harness/process.js';
import { spawnWattledger, type ChildInstance } from '../support/child-instance.js';
import { DESIGN_TARIFF } from '../support/design-tariff.js';

const HOUR = 3_600_000;

/** Periods a process reports settled in its 'settlement run' log lines (pino JSON). */
function settledInLog(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"msg":"settlement run"'))
    .reduce((sum, l) => sum + ((JSON.parse(l) as { settled?: number }).settled ?? 0), 0);
}
const CONTRACTS = 12;
const influxUrl = inject('influxUrl');

describe.skipIf(influxUrl === '' || !havePostgres())(
  'three jobs processes settling the same month at once (real PostgreSQL and InfluxDB)',
  () => {
    // Not test/support/instance.ts: it loads main.ts, whose routes need the fleet
    // schemas to be built after
    // @hono/zod-openapi has extended zod, and this file imports the fleet modules directly.
    const tmp = {
      dir: mkdtempSync(path.join(tmpdir(), 'wl-jobs-')),
      cleanup() {
        rmSync(this.dir, { recursive: true, force: true });
      },
    };
    const db = `jobs_${process.pid}`;
    let pg: PostgresHandle | undefined;
    let ledger: LedgerConnection;
    let store: ReadingStore;
    let runners: ChildInstance[] = [];

    beforeAll(async () => {
      pg = await startPostgres();
      if (pg === undefined) throw new Error('PostgreSQL did not start');
      const ledgerUrl = await pg.createDatabase();
      ledger = openLedger(ledgerUrl);
      await migrateLedger(ledger);
      store = createReadingStore({ influxUrl, influxDb: db, sqlitePath: '' });
      await store.init();
      // The children run on the system clock: a cron tick every second, no grace window, so a month
      // that has ended is due at once.
      runners = await Promise.all(
        [0, 1, 2].map((i) =>
          spawnWattledger(
            {
              ROLE: 'jobs',
              SETTLE_CRON: '* * * * * *',
              GRACE_HOURS: '0',
              DATABASE_URL: ledgerUrl,
              INFLUX_URL: influxUrl,
              INFLUX_DB: db,
              MQTT_CLIENT_ID: `jobs-${i}`,
              DATA_DIR: path.join(tmp.dir, `jobs-${i}`),
            },
            path.join(tmp.dir, `jobs-${i}.log`),
          ),
        ),
      );
    }, 180_000);
    afterAll(async () => {
      await Promise.all(runners.map((r) => r.process.stop()));
      await store?.close();
      await ledger?.close();
      await pg?.stop();
      tmp.cleanup();
    });

    it('every ended period is settled once, and invoice numbers have no gaps', async () => {
      const now = Date.now();
      // Contracts from the 1st of the month before last (Paris time): two whole months
      // have ended, both due now.
      const startsAt = DateTime.fromMillis(now, { zone: 'Europe/Paris' })
        .startOf('month')
        .minus({ months: 2 })
        .toMillis();
      const meterIds = Array.from({ length: CONTRACTS }, (_, i) => `jobs-m-${i}`);
      // Readings first (hourly, and one a minute ago: after the last month's end), so that no
      // runner can see a contract without the readings that settle it.
      for (const [i, meterId] of meterIds.entries()) {
        const batch: Reading[] = [];
        for (let ts = startsAt, k = 0; ts < now - 60_000; ts += HOUR, k += 1)
          batch.push({ meterId, ts, importWh: 1_000_000 + k * (300 + i), receivedAt: now });
        batch.push({
          meterId,
          ts: now - 60_000,
          importWh: 1_000_000 + batch.length * (300 + i),
          receivedAt: now,
        });
        await store.writeBatch(batch);
      }
      const fleet = { db: ledger.db, clock: systemClock };
      const doc = {
        ...DESIGN_TARIFF,
        versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: '2020-01-01T00:00:00+01:00' }],
      };
      const tariff = await createTariff(fleet, tariffSchema.parse(doc));
      // While the runners tick every second: each contract appears with its
      // meter in one transaction.
      for (const meterId of meterIds) {
        const customer = await createCustomer(fleet, { name: meterId, email: null });
        await ledger.db.transaction().execute(async (trx) => {
          const contract = await createContract(
            { db: trx, clock: systemClock },
            {
              customerId: customer.id,
              tariffId: tariff.id,
              timezone: 'Europe/Paris',
              startsAt,
              endsAt: null,
            },
          );
          await createMeter(
            { db: trx, clock: systemClock },
            {
              id: meterId,
              contractId: contract.id,
              installedAt: startsAt - 24 * HOUR,
              maxPowerW: null,
            },
          );
        });
      }

      const expected = 2 * CONTRACTS;
      const settled = async () =>
        Number(
          (
            await ledger.db
              .selectFrom('billing_periods')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', '=', 'settled')
              .executeTakeFirstOrThrow()
          ).n,
        );
      await waitFor('every ended period settled', async () => (await settled()) >= expected, {
        timeoutMs: 120_000,
        intervalMs: 250,
      });
      // Stop the runners (SIGTERM waits for a run in progress), so that the
      // state checked below is final.
      await Promise.all(runners.map((r) => r.process.stop()));
      for (const r of runners) expect(await r.process.exited).toEqual({ code: 0, signal: null });

      const periods = await ledger.db.selectFrom('billing_periods').selectAll().execute();
      expect(periods).toHaveLength(expected);
      expect(periods.every((p) => p.status === 'settled' && p.invoice_number !== null)).toBe(true);
      const invoices = await ledger.db
        .selectFrom('invoices')
        .select(['number', 'year', 'seq', 'period_id', 'issued_by'])
        .orderBy('year')
        .orderBy('seq')
        .execute();
      expect(invoices).toHaveLength(expected);
      expect(new Set(invoices.map((i) => i.period_id)).size).toBe(expected);
      // Gapless per year (a run in January settles December and November into
      // the new year's sequence).
      for (const year of new Set(invoices.map((i) => i.year))) {
        const ofYear = invoices.filter((i) => i.year === year);
        expect(ofYear.map((i) => i.number)).toEqual(
          ofYear.map((_, k) => `INV-${year}-${String(k + 1).padStart(6, '0')}`),
        );
      }
      // The runners' own counts agree: their settlement runs add up to one settlement per period.
      const perRunner = runners.map((r) => settledInLog(r.process.logFile));
      expect(
        perRunner.reduce((a, b) => a + b, 0),
        `settled per runner: ${perRunner.join(', ')}`,
      ).toBe(expected);
    }, 300_000);
  },
);
