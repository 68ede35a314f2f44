import type { Kysely } from 'kysely';
import type { MeterDefinition } from '../../simulators/fleet.js';
import { listMeters } from '../fleet/meters-repo.js';
import type { LedgerDatabase } from '../ledger/schema.js';

/**
 * The simulated fleet as the ledger binds it: each meter bound to a device topic speaks that
 * device's format with its login, its local times in its contract's zone (UTC without one); the
 * others speak wattledger's own. Read from the ledger rather than assumed, so that a demo seeded
 * by another version keeps publishing what its meters expect.
 */
export async function bindAsLedger(
  db: Kysely<LedgerDatabase>,
  fleet: readonly MeterDefinition[],
): Promise<MeterDefinition[]> {
  const meters = new Map((await listMeters(db)).map((m) => [m.id, m]));
  const zones = new Map(
    (await db.selectFrom('contracts').select(['id', 'timezone']).execute()).map((c) => [
      c.id,
      c.timezone,
    ]),
  );
  return fleet.map((def) => {
    const meter = meters.get(def.meterId);
    const topic = meter?.source?.topic;
    if (meter === undefined || meter.format === 'wattledger' || topic === undefined) return def;
    const { topic: _topic, login: _login, ...options } = meter.source ?? {};
    return {
      ...def,
      device: {
        format: meter.format,
        topic,
        login: meter.login,
        timezone: (meter.contractId === null ? undefined : zones.get(meter.contractId)) ?? 'UTC',
        options,
      },
    };
  });
}
