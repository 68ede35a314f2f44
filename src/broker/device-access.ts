import type { Meter } from '../fleet/meter.js';
import { deviceFormat } from '../formats/registry.js';
import type { DeviceAccess } from './mosquitto-auth.js';

/**
 * The MQTT logins of a fleet and what each device login may reach: a wattledger meter logs in as
 * its id; the meters bound to device topics log in as their `source.login` (or id), which may use
 * the trees of every device it speaks for.
 */
export function fleetLogins(meters: readonly Meter[]): {
  readonly logins: string[];
  readonly devices: DeviceAccess[];
} {
  const logins = new Set<string>();
  const byLogin = new Map<string, { topics: Set<string>; filters: Set<string> }>();
  for (const m of meters) {
    logins.add(m.login);
    const topic = m.source?.topic;
    if (m.format === 'wattledger' || topic === undefined) continue;
    const access = byLogin.get(m.login) ?? { topics: new Set(), filters: new Set() };
    access.topics.add(topic);
    for (const f of deviceFormat(m.format).deviceTopics(topic)) access.filters.add(f);
    byLogin.set(m.login, access);
  }
  return {
    logins: [...logins].sort(),
    devices: [...byLogin].map(([login, a]) => ({
      login,
      topics: [...a.topics].sort(),
      filters: [...a.filters].sort(),
    })),
  };
}
