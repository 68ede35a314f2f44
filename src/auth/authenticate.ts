import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { hashApiKey, sameHash } from './api-key.js';
import type { AuthEnv } from './auth-env.js';
import { revocationMark } from './key-revocations.js';
import { ROLES, type Principal, type Role } from './principal.js';

export interface AuthDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
  /** SHA-256 of ADMIN_API_KEY, the bootstrap admin key, when configured. */
  readonly adminKeyHash?: string | undefined;
}

const CACHE_TTL_MS = 30_000;
/** How old the revocation mark may be when a cached key is used: revocations elsewhere apply within it. */
export const REVOCATION_CHECK_MS = 1000;

/** The key check of one app: its middleware, and how to make it forget what it cached. */
export interface Authenticator {
  readonly middleware: MiddlewareHandler<AuthEnv>;
  /**
   * Drop every cached key at once: the routes that revoke keys (a key's revocation, a customer's
   * erasure) call it, so a revoked key stops working in this process without delay.
   */
  forget(): void;
}

/**
 * Resolve `Authorization: Bearer <key>` to a principal, or answer 401. Keys are looked up by hash
 * and cached for 30 s, so a busy API does not query the ledger on every request; but a revoked key
 * must stop working at once: a revocation made in this process calls `forget()`, and before a
 * cached answer is used the ledger's revocation mark is checked when it is older than
 * `REVOCATION_CHECK_MS`, so a revocation made by another process applies within about a second.
 * Checks happen on demand (no timer to stop), one at a time.
 */
export function keyAuthenticator(deps: AuthDeps): Authenticator {
  // Unknown keys are remembered too (null), so a client retrying a bad key does not query the
  // ledger each time.
  const cache = new TtlCache<string, Principal | null>({
    ttlMs: CACHE_TTL_MS,
    max: 10_000,
    clock: deps.clock,
  });
  // Bumped by every drop: a lookup that began before a drop must not put back what it read.
  let generation = 0;
  const drop = () => {
    generation += 1;
    cache.clear();
  };
  let mark: string | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<void> | undefined;
  async function check(): Promise<void> {
    const startedAt = deps.clock.now();
    const seen = await revocationMark(deps.db);
    if (mark !== undefined && seen !== mark) drop();
    mark = seen;
    checkedAt = Math.max(checkedAt, startedAt);
  }
  async function fresh(): Promise<void> {
    while (deps.clock.now() - checkedAt >= REVOCATION_CHECK_MS) {
      checking ??= check().finally(() => {
        checking = undefined;
      });
      await checking;
    }
  }
  async function resolve(hash: string): Promise<Principal | undefined> {
    if (deps.adminKeyHash !== undefined && sameHash(hash, deps.adminKeyHash))
      return { keyId: 'bootstrap-admin', role: 'admin', customerId: null };
    await fresh();
    const hit = cache.get(hash);
    if (hit !== undefined) return hit ?? undefined;
    const before = generation;
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
    if (generation === before) cache.set(hash, principal ?? null);
    return principal;
  }
  const middleware: MiddlewareHandler<AuthEnv> = async (c, next) => {
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
  return { middleware, forget: drop };
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
