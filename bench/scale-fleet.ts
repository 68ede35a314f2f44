// Part of bench:scale: the ledger of a fleet of N households on PostgreSQL, seeded once per size into
// a template database, and a fresh copy of it for every pass that writes (ingest, each settlement
// run, the API), so each starts from the same unsettled fleet.
import { sql } from 'kysely';
import pg from 'pg';
import { tariffSchema } from '../src/billing/tariff-schema.js';
import { createApiKey } from '../src/fleet/api-keys.js';
import { createContract } from '../src/fleet/contracts.js';
import { createCustomer } from '../src/fleet/customers.js';
import type { FleetDeps } from '../src/fleet/fleet-deps.js';
import { addMeter } from '../src/fleet/meters-repo.js';
import { createTariff } from '../src/fleet/tariffs.js';
import { openLedger } from '../src/ledger/connect.js';
import { migrateLedger } from '../src/ledger/migrate.js';
import { manualClock } from '../src/shared/clock.js';
import { DESIGN_TARIFF } from '../test/support/design-tariff.js';

/** What a seeded fleet needs to be used: its staff key and how long seeding took. */
export interface SeededFleet {
  readonly staffKey: string;
  readonly seconds: number;
}

/** Contracts created per transaction, and transactions in flight at once. */
const PER_TX = 250;
const PARALLEL = 4;

/**
 * One customer, one contract on the docs/design.md §5 time-of-use tariff in Europe/Paris from
 * `contractStart`, and one meter (installed at `installedAt`) per id, through the fleet functions the
 * API uses, into the empty database at `ledgerUrl`. Every contract allows `day` consent: the bench
 * asks for a month of day buckets, which the ledger's default `month` consent would refuse. The
 * consent is set in one statement without audit rows (seeding is not what is measured; the API's
 * route writes one audit row per change). Answers a staff key.
 */
export async function seedFleet(
  ledgerUrl: string,
  meterIds: readonly string[],
  opts: { readonly contractStart: number; readonly installedAt: number; readonly now: number },
): Promise<SeededFleet> {
  const started = performance.now();
  const ledger = openLedger(ledgerUrl);
  try {
    await migrateLedger(ledger);
    const deps: FleetDeps = { db: ledger.db, clock: manualClock(opts.now) };
    const doc = {
      ...DESIGN_TARIFF,
      versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: '2020-01-01T00:00:00+01:00' }],
    };
    const tariff = await createTariff(deps, tariffSchema.parse(doc));
    const installedAt = new Date(opts.installedAt).toISOString();
    let next = 0;
    const take = () => {
      const i = next;
      next += PER_TX;
      return i;
    };
    const worker = async () => {
      for (let i = take(); i < meterIds.length; i = take()) {
        await ledger.db.transaction().execute(async (tx) => {
          const txDeps: FleetDeps = { db: tx, clock: deps.clock };
          for (const id of meterIds.slice(i, i + PER_TX)) {
            const customer = await createCustomer(txDeps, { name: `Scale ${id}`, email: null });
            const contract = await createContract(txDeps, {
              customerId: customer.id,
              tariffId: tariff.id,
              timezone: 'Europe/Paris',
              startsAt: opts.contractStart,
              endsAt: null,
            });
            await addMeter(txDeps, { id, contractId: contract.id, installedAt });
          }
        });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    await sql`UPDATE contracts SET consent = 'day'`.execute(ledger.db);
    const staff = await createApiKey(deps, { role: 'staff', customerId: null });
    // Fresh statistics: the copies start with them, so no pass pays for the planner guessing.
    await sql`ANALYZE`.execute(ledger.db);
    return { staffKey: staff.key, seconds: (performance.now() - started) / 1000 };
  } finally {
    await ledger.close();
  }
}

/**
 * PostgreSQL databases made from one template: `copy()` answers the URL of a new database holding
 * exactly what the template holds (PostgreSQL copies the files, which takes a second or two for a
 * 20,000-contract fleet, where replaying the seed would take a minute). The template must have no
 * open connection while it is copied.
 */
export interface LedgerCopies {
  copy(name: string): Promise<string>;
  /** Drop every copy made, and the template. */
  dropAll(): Promise<void>;
}

/** Copies of database `template` on the server of `serverUrl` (a URL of its `postgres` database). */
export function ledgerCopies(serverUrl: string, template: string): LedgerCopies {
  const made: string[] = [];
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  const urlOf = (db: string) => serverUrl.replace(/\/[^/]*$/, `/${db}`);
  return {
    async copy(name) {
      await admin(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      made.push(name);
      return urlOf(name);
    },
    async dropAll() {
      for (const db of [...made, template]) await admin(`DROP DATABASE IF EXISTS "${db}"`);
      made.length = 0;
    },
  };
}
