import type { ApiKeyInfo } from '../../fleet/api-keys.js';
import type { Contract } from '../../fleet/contracts.js';
import type { Customer } from '../../fleet/customers.js';
import type { Meter } from '../../fleet/meter.js';
import type { StoredTariff } from '../../fleet/tariffs.js';
import { toRfc3339 } from '../../shared/time.js';

const iso = (ms: number) => toRfc3339(ms);
const isoOrNull = (ms: number | null) => (ms === null ? null : toRfc3339(ms));

/** API shape of a customer. */
export const presentCustomer = (c: Customer) => ({
  id: c.id,
  name: c.name,
  email: c.email,
  createdAt: iso(c.createdAt),
});

/** API shape of a tariff: its document as stored, with id and creation time. */
export const presentTariff = (t: StoredTariff) => ({ ...t, createdAt: iso(t.createdAt) });

/** API shape of a contract. */
export const presentContract = (c: Contract) => ({
  id: c.id,
  customerId: c.customerId,
  tariffId: c.tariffId,
  timezone: c.timezone,
  startsAt: iso(c.startsAt),
  endsAt: isoOrNull(c.endsAt),
  createdAt: iso(c.createdAt),
  consent: c.consent,
});

/** API shape of a meter. */
export const presentMeter = (m: Meter) => ({
  id: m.id,
  contractId: m.contractId,
  installedAt: iso(m.installedAt),
  maxPowerW: m.maxPowerW,
  format: m.format,
  source: m.source === null ? null : { ...m.source },
  counterResets: m.counterResets,
  registerMaxWh: m.registerMaxWh,
  decreaseToleranceWh: m.decreaseToleranceWh,
  removedAt: isoOrNull(m.removedAt),
});

/** API shape of an API key (never the key, except in the creation answer). */
export const presentApiKey = (k: ApiKeyInfo) => ({
  id: k.id,
  role: k.role,
  customerId: k.customerId,
  createdAt: iso(k.createdAt),
  revokedAt: isoOrNull(k.revokedAt),
});
