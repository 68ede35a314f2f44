import { tariffSchema } from '../../src/billing/tariff-schema.js';
import { createContract } from '../../src/fleet/contracts.js';
import { createCustomer } from '../../src/fleet/customers.js';
import type { FleetDeps } from '../../src/fleet/fleet-deps.js';
import type { Meter } from '../../src/fleet/meter.js';
import { listMeters } from '../../src/fleet/meters-repo.js';
import { createTariff } from '../../src/fleet/tariffs.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import type { Consent } from '../../src/privacy/consent.js';
import { changeConsent } from '../../src/privacy/consent-repo.js';
import { systemClock } from '../../src/shared/clock.js';
import { DESIGN_TARIFF } from './design-tariff.js';

/**
 * A customer in Europe/Paris with one contract from `since` on the tariff of docs/design.md §5 (in
 * force from `since` too, so every period can be priced), written straight into the ledger at
 * `ledgerUrl`; `addMeters` registers the household's meters on that contract. Answers every meter
 * of the ledger.
 */
export async function parisHousehold(
  ledgerUrl: string,
  opts: { readonly name: string; readonly since: string; readonly consent?: Consent },
  addMeters: (deps: FleetDeps, contractId: string) => Promise<void>,
): Promise<Meter[]> {
  const ledger = openLedger(ledgerUrl);
  try {
    await migrateLedger(ledger);
    const deps = { db: ledger.db, clock: systemClock };
    const customer = await createCustomer(deps, { name: opts.name, email: null });
    const tariff = await createTariff(
      deps,
      tariffSchema.parse({
        ...DESIGN_TARIFF,
        versions: [{ ...DESIGN_TARIFF.versions[0], validFrom: opts.since }],
      }),
    );
    const contract = await createContract(deps, {
      customerId: customer.id,
      tariffId: tariff.id,
      timezone: 'Europe/Paris',
      startsAt: Date.parse(opts.since),
      endsAt: null,
    });
    if (opts.consent !== undefined)
      await changeConsent(
        deps,
        { visibility: { all: true }, actor: 'test', role: 'admin' },
        contract.id,
        opts.consent,
      );
    await addMeters(deps, contract.id);
    return await listMeters(ledger.db);
  } finally {
    await ledger.close();
  }
}
