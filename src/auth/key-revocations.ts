import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';

/**
 * A mark of every revocation so far: the number of revoked keys and the latest revocation instant.
 * Keys are never un-revoked nor deleted, so any revocation in any process (a `DELETE
 * /v1/api-keys/{id}`, an erasure) changes it; another process compares it with the mark it last saw
 * to know that its cached keys may be stale. One small aggregate on both ledgers, no feed to write.
 */
export async function revocationMark(db: Kysely<LedgerDatabase>): Promise<string> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('revoked_at').as('latest')])
    .where('revoked_at', 'is not', null)
    .executeTakeFirst();
  return `${String(row?.n ?? 0)}|${String(row?.latest ?? '')}`;
}
