import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { FormatMeter } from '../../formats/device-format.js';
import { deviceFormat, type DeviceFormatKey } from '../../formats/registry.js';
import type { Logger } from '../../shared/logger.js';
import type { MeterSource } from '../../fleet/meter-source.js';
import { filterMatches } from './topic-filter.js';

/** A meter bound to a device topic, with what its format needs to read a message. */
export interface BoundMeter {
  readonly meterId: string;
  readonly format: DeviceFormatKey;
  /** The format's options, parsed by its source schema. */
  readonly options: unknown;
  /** The contract's IANA zone (UTC without a contract): device local times are read in it. */
  readonly timezone: string;
  readonly login: string;
  /** What the format is told about the meter: built once, not per message. */
  readonly formatMeter: FormatMeter<unknown>;
}

/** Every binding at one moment: meters by topic, and the filters each device login may use. */
export interface BindingsSnapshot {
  readonly byTopic: ReadonlyMap<string, readonly BoundMeter[]>;
  readonly filtersByLogin: ReadonlyMap<string, readonly string[]>;
}

export const EMPTY_BINDINGS: BindingsSnapshot = { byTopic: new Map(), filtersByLogin: new Map() };

/**
 * Read every device binding from the ledger: one indexed query, about 100 bytes a meter in memory.
 * A stored source its format no longer accepts is skipped (and logged), not fatal: the other
 * meters keep working.
 */
export async function loadBindings(
  db: Kysely<LedgerDatabase>,
  log: Logger,
): Promise<BindingsSnapshot> {
  const rows = await db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .select([
      'meters.id',
      'meters.format',
      'meters.source',
      'meters.source_topic',
      'meters.mqtt_login',
      'contracts.timezone',
    ])
    .where('meters.source_topic', 'is not', null)
    .execute();
  const byTopic = new Map<string, BoundMeter[]>();
  const filters = new Map<string, Set<string>>();
  for (const row of rows) {
    const topic = row.source_topic!;
    const format = row.format as DeviceFormatKey;
    const spec = deviceFormat(format);
    const { topic: _t, login: _l, ...given } = JSON.parse(row.source ?? '{}') as MeterSource;
    const options = spec.sourceSchema.safeParse(given);
    if (!options.success) {
      log.error(
        { meterId: row.id, format },
        'stored device source no longer parses; meter skipped',
      );
      continue;
    }
    const login = row.mqtt_login ?? row.id;
    const timezone = row.timezone ?? 'UTC';
    const bound: BoundMeter = {
      meterId: row.id,
      format,
      options: options.data,
      timezone,
      login,
      formatMeter: { id: row.id, timezone, source: options.data },
    };
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), bound]);
    const own = filters.get(login) ?? new Set<string>();
    for (const f of spec.deviceTopics(topic)) own.add(f);
    filters.set(login, own);
  }
  return {
    byTopic,
    filtersByLogin: new Map([...filters].map(([login, set]) => [login, [...set]])),
  };
}

/**
 * Whether a device login may publish or subscribe on `topic` (a topic name or a filter): only within
 * the trees of the devices it speaks for. A subscription filter must lie inside one of them
 * (`tele/plug/#` inside `tele/plug/#`; never `#`).
 */
export function loginMayUse(snapshot: BindingsSnapshot, login: string, topic: string): boolean {
  const filters = snapshot.filtersByLogin.get(login);
  if (filters === undefined) return false;
  return filters.some((f) => filterMatches(f, topic) || filterWithin(topic, f));
}

/** Whether every topic `inner` matches is matched by `outer` too (both filters). */
function filterWithin(inner: string, outer: string): boolean {
  const i = inner.split('/');
  const o = outer.split('/');
  for (let k = 0; k < o.length; k++) {
    const level = o[k]!;
    if (level === '#') return true;
    if (k >= i.length) return false;
    if (i[k] === '#') return false;
    if (level !== '+' && level !== i[k]) return false;
  }
  return i.length === o.length;
}
