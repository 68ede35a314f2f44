import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import { AppError } from '../shared/app-error.js';
import type { ParsedMeter } from './meter.js';

/**
 * Refuse a binding that would mix devices on one topic or one login (AppError `conflict`):
 * - meters on one topic share one device (a bridge or a multi-channel device), so they must share
 *   its format and its login;
 * - a login is one device's or one bridge's password, which reads and writes the topics of every
 *   meter it serves, so all those meters must belong to one customer (or to no contract yet), and it
 *   cannot be the id of a meter that logs in as itself, or a second device would hold its password.
 */
export async function checkBinding(db: Kysely<LedgerDatabase>, m: ParsedMeter): Promise<void> {
  const login = m.source?.login ?? m.id;
  const topic = m.source?.topic;
  if (topic !== undefined) {
    const onTopic = await db
      .selectFrom('meters')
      .select(['id', 'format', 'mqtt_login'])
      .where('source_topic', '=', topic)
      .execute();
    for (const other of onTopic) {
      if (other.format !== m.format)
        throw new AppError(
          'conflict',
          `topic ${topic} is bound to meter ${other.id} in the ${other.format} format; one topic carries one device's format`,
        );
      if ((other.mqtt_login ?? other.id) !== login)
        throw new AppError(
          'conflict',
          `topic ${topic} is published by login ${other.mqtt_login ?? other.id} (meter ${other.id}); give this meter source.login ${other.mqtt_login ?? other.id}`,
        );
    }
  }
  const sharing = await db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .select(['meters.id', 'meters.mqtt_login', 'contracts.customer_id'])
    .where((eb) =>
      eb.or([
        eb('meters.mqtt_login', '=', login),
        eb.and([eb('meters.id', '=', login), eb('meters.mqtt_login', 'is', null)]),
      ]),
    )
    .execute();
  if (sharing.length === 0) return;
  const customer = m.contractId === null ? null : await customerOf(db, m.contractId);
  for (const other of sharing) {
    if ((other.customer_id ?? null) !== customer)
      throw new AppError(
        'conflict',
        `login ${login} already serves meter ${other.id} of another customer; a device login serves one customer's meters`,
      );
  }
}

async function customerOf(db: Kysely<LedgerDatabase>, contractId: string): Promise<string | null> {
  const row = await db
    .selectFrom('contracts')
    .select('customer_id')
    .where('id', '=', contractId)
    .executeTakeFirst();
  return row?.customer_id ?? null;
}
