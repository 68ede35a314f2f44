import { tariffSchema } from '../../src/billing/tariff-schema.js';
import type { BillingDeps, BillingOptions } from '../../src/billing/settlement/billing-deps.js';
import { createContract } from '../../src/fleet/contracts.js';
import { createCustomer } from '../../src/fleet/customers.js';
import { createMeter } from '../../src/fleet/meters-repo.js';
import { createTariff } from '../../src/fleet/tariffs.js';
import { openLedger, type LedgerConnection } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { Reading } from '../../src/readings/reading.js';
import type { ReadingStore } from '../../src/readings/reading-store.js';
import { createSqliteStore } from '../../src/readings/sqlite/sqlite-store.js';
import { manualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { DESIGN_TARIFF } from './design-tariff.js';

export const Q = 900_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const t = (iso: string): number => Date.parse(iso);

/**
 * A ledger (SQLite in memory, or the URL given), the embedded readings store, a manual
 * clock: real parts, no mocks.
 */
export interface BillingWorld {
  readonly ledger: LedgerConnection;
  readonly store: ReadingStore;
  readonly clock: ReturnType<typeof manualClock>;
  readonly deps: BillingDeps;
  readonly opts: BillingOptions;
  /**
   * A customer, a contract on the docs/design.md §5 tariff in `tz` from `startsAt`,
   * and one meter per id given.
   */
  contract(
    startsAt: string,
    meterIds: readonly string[],
    tz?: string,
  ): Promise<{ contractId: string; customerId: string }>;
  /**
   * Readings every `stepMs` in [from, to], the import register starting at `startWh` and
   * rising `whPerStep` each step.
   */
  readings(
    meterId: string,
    from: string | number,
    to: string | number,
    opts?: { stepMs?: number; startWh?: number; whPerStep?: number },
  ): Promise<Reading[]>;
  close(): Promise<void>;
}

export async function billingWorld(
  ledgerUrl = 'sqlite::memory:',
  runnerId = 'runner-a',
  store?: ReadingStore,
): Promise<BillingWorld> {
  const ledger = openLedger(ledgerUrl);
  await migrateLedger(ledger);
  const readings = store ?? createSqliteStore({ path: ':memory:' });
  await readings.init();
  const clock = manualClock('2026-09-01T00:00:00Z');
  const deps: BillingDeps = { db: ledger.db, store: readings, clock, log: createLogger('silent') };
  const fleet = { db: ledger.db, clock };
  let tariffId: string | undefined;
  return {
    ledger,
    store: readings,
    clock,
    deps,
    opts: { graceMs: 72 * HOUR, backBillingMonths: 14, runnerId },
    async contract(startsAt, meterIds, tz = 'Europe/Paris') {
      // The docs/design.md §5 tariff, in force from 2020 so that old periods
      // (back-billing) can be priced too.
      const doc = {
        ...DESIGN_TARIFF,
        versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: '2020-01-01T00:00:00+01:00' }],
      };
      tariffId ??= (await createTariff(fleet, tariffSchema.parse(doc))).id;
      const customer = await createCustomer(fleet, { name: 'Camille', email: null });
      const contract = await createContract(fleet, {
        customerId: customer.id,
        tariffId,
        timezone: tz,
        startsAt: t(startsAt),
        endsAt: null,
      });
      for (const id of meterIds)
        await createMeter(fleet, {
          id,
          contractId: contract.id,
          installedAt: t(startsAt) - 30 * DAY,
          maxPowerW: null,
        });
      return { contractId: contract.id, customerId: customer.id };
    },
    async readings(meterId, from, to, o = {}) {
      const step = o.stepMs ?? Q;
      const start = typeof from === 'number' ? from : t(from);
      const end = typeof to === 'number' ? to : t(to);
      const out: Reading[] = [];
      for (let ts = start, i = 0; ts <= end; ts += step, i += 1) {
        out.push({
          meterId,
          ts,
          importWh: (o.startWh ?? 1_000_000) + i * (o.whPerStep ?? 250),
          receivedAt: clock.now(),
        });
      }
      await readings.writeBatch(out);
      return out;
    },
    async close() {
      await readings.close();
      await ledger.close();
    },
  };
}
