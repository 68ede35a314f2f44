import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tariffSchema } from '../billing/tariff-schema.js';
import { createApiKey } from '../fleet/api-keys.js';
import { createContract } from '../fleet/contracts.js';
import { createCustomer } from '../fleet/customers.js';
import { addMeter, createMeter } from '../fleet/meters-repo.js';
import type { FleetDeps } from '../fleet/fleet-deps.js';
import { createTariff } from '../fleet/tariffs.js';
import type { Consent } from '../privacy/consent.js';
import { changeConsent } from '../privacy/consent-repo.js';
import type { DemoDevice } from './demo-devices.js';
import type { DemoCounterRules } from './demo-meter-events.js';

/**
 * The keys the demo prints, kept in DATA_DIR so a restarted demo can print them again (demo data
 * only).
 */
export interface DemoKeys {
  readonly admin: string;
  readonly staff: string;
  readonly customer: string;
  readonly customerMeterId: string;
}

/**
 * The time-of-use tariff of docs/design.md §5, valid from 2020 so that every demo contract can be
 * priced.
 */
const DEMO_TARIFF = {
  name: 'Heures creuses 6 kVA',
  currency: 'EUR',
  versions: [
    {
      validFrom: '2020-01-01T00:00:00+01:00',
      standingChargePerDay: '0.4512',
      energy: {
        type: 'tou',
        defaultBand: 'HP',
        bands: { HP: '0.2081', HC: '0.1635' },
        windows: [
          {
            band: 'HC',
            from: '22:00',
            to: '06:00',
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          },
        ],
      },
      exportRate: '0.0400',
      taxes: [
        { name: 'Excise', perKwh: '0.0225' },
        { name: 'VAT', percent: '20' },
      ],
    },
  ],
};

/**
 * Consents of the demo households, round robin: the first (whose key is printed) allows everything,
 * so the demo shows every view; the others show what `day` and `month` consents allow and refuse.
 */
const DEMO_CONSENTS: readonly Consent[] = ['interval', 'day', 'month'];

/**
 * Seed one household per meter: a customer, a contract in Europe/Paris on the demo tariff starting
 * at the meter's installation with a consent of every level in turn, and the meter, bound to its
 * device's topic when `devices` names one, with the counter rules `rules` gives it (the demo's
 * meters that reset, wrap or jitter); plus an admin, a staff and a customer key (of the first
 * household, which allows interval data).
 */
export async function seedDemoFleet(
  deps: FleetDeps,
  meterIds: readonly string[],
  installedAt: number,
  keysFile: string,
  devices: ReadonlyMap<string, DemoDevice> = new Map(),
  rules: ReadonlyMap<string, DemoCounterRules> = new Map(),
): Promise<DemoKeys> {
  const tariff = await createTariff(deps, tariffSchema.parse(DEMO_TARIFF));
  let firstCustomer: string | undefined;
  for (const [i, meterId] of meterIds.entries()) {
    const customer = await createCustomer(deps, {
      name: `Demo household ${i + 1}`,
      email: `household${i + 1}@example.org`,
    });
    firstCustomer ??= customer.id;
    const contract = await createContract(deps, {
      customerId: customer.id,
      tariffId: tariff.id,
      timezone: 'Europe/Paris',
      startsAt: installedAt,
      endsAt: null,
    });
    await changeConsent(
      deps,
      { visibility: { all: true }, actor: 'demo-seed', role: 'customer' },
      contract.id,
      DEMO_CONSENTS[i % DEMO_CONSENTS.length] ?? 'month',
    );
    const device = devices.get(meterId);
    const counter = rules.get(meterId) ?? {};
    if (device === undefined)
      await createMeter(deps, {
        id: meterId,
        contractId: contract.id,
        installedAt,
        maxPowerW: null,
        ...counter,
      });
    // A bound meter goes through the API's checks: its topic and login as an admin would give them.
    else
      await addMeter(deps, {
        id: meterId,
        contractId: contract.id,
        installedAt: new Date(installedAt).toISOString(),
        format: device.format,
        ...counter,
        source: {
          topic: device.topic,
          ...(device.login === undefined ? {} : { login: device.login }),
        },
      });
  }
  const keys: DemoKeys = {
    admin: (await createApiKey(deps, { role: 'admin', customerId: null })).key,
    staff: (await createApiKey(deps, { role: 'staff', customerId: null })).key,
    customer: (await createApiKey(deps, { role: 'customer', customerId: firstCustomer ?? null }))
      .key,
    customerMeterId: meterIds[0] ?? '',
  };
  writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** The demo keys written by an earlier start, if any. */
export function readDemoKeys(keysFile: string): DemoKeys | undefined {
  return existsSync(keysFile)
    ? (JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys)
    : undefined;
}
