import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { hashApiKey, sameHash } from './api-key.js';
import type { AuthEnv } from './auth-env.js';
import { ROLES, type Principal, type Role } from './principal.js';

export interface AuthDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
  /** SHA-256 of ADMIN_API_KEY, the bootstrap admin key, when configured. */
  readonly adminKeyHash?: string | undefined;
}

const CACHE_TTL_MS = 30_000;

/**
 * Resolve `Authorization: Bearer <key>` to a principal, or answer 401. Keys are looked up by hash
 * and cached for 30 s, so a revoked key stops working within that time and a busy API does not
 * query the ledger on every request.
 */
export function authenticate(deps: AuthDeps): MiddlewareHandler<AuthEnv> {
  // Unknown keys are remembered too (null), so a client retrying a bad key does not query the
  // ledger each time.
  const cache = new TtlCache<string, Principal | null>({
    ttlMs: CACHE_TTL_MS,
    max: 10_000,
    clock: deps.clock,
  });
  async function resolve(hash: string): Promise<Principal | undefined> {
    if (deps.adminKeyHash !== undefined && sameHash(hash, deps.adminKeyHash))
      return { keyId: 'bootstrap-admin', role: 'admin', customerId: null };
    const hit = cache.get(hash);
    if (hit !== undefined) return hit ?? undefined;
    const row = await deps.db
      .selectFrom('api_keys')
      .select(['id', 'role', 'customer_id'])
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const principal =
      row !== undefined && (ROLES as readonly string[]).includes(row.role)
        ? { keyId: row.id, role: row.role as Role, customerId: row.customer_id }
        : undefined;
    cache.set(hash, principal ?? null);
    return principal;
  }
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null)
      throw new AppError('unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    const principal = await resolve(hashApiKey(match[1]!));
    if (principal === undefined)
      throw new AppError('unauthorized', 'the API key is unknown or revoked');
    c.set('principal', principal);
    await next();
  };
}

/** Refuse (403) callers whose role is not among `roles`. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const p = c.get('principal');
    if (!roles.includes(p.role))
      throw new AppError(
        'forbidden',
        `this operation needs the role ${roles.join(' or ')}; the key has role ${p.role}`,
      );
    await next();
  };
}
