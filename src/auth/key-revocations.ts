import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';

/**
 * The authenticators of this process, by the ledger handle they read keys from: whoever revokes a
 * key through that handle makes them drop their caches at once, without waiting for the next check.
 */
const listeners = new WeakMap<object, Set<() => void>>();

/**
 * Call `drop` whenever this process revokes keys through `db` (`keysRevoked`). Answers the
 * unsubscribe function.
 */
export function onKeysRevoked(db: Kysely<LedgerDatabase>, drop: () => void): () => void {
  let set = listeners.get(db);
  if (set === undefined) listeners.set(db, (set = new Set()));
  set.add(drop);
  return () => set.delete(drop);
}

/**
 * Tell this process's authenticators on `db` that keys were revoked (after the commit): a revoked
 * key must stop working in the process that revoked it at once, not when a cache entry expires.
 */
export function keysRevoked(db: Kysely<LedgerDatabase>): void {
  for (const drop of listeners.get(db) ?? []) drop();
}

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
