import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { generateApiKey, hashApiKey } from '../auth/api-key.js';
import { ROLES, type Role } from '../auth/principal.js';
import type { ApiKeyTable, LedgerDatabase } from '../ledger/schema.js';
import { AppError } from '../shared/app-error.js';
import { newId } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import { getCustomer } from './customers.js';
import type { FleetDeps } from './fleet-deps.js';
import { notFound } from './visibility.js';

/** An API key as listed: never the key itself, which only its creator ever sees. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly role: Role;
  readonly customerId: string | null;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** The body of `POST /v1/api-keys`. */
export const newApiKeySchema = z
  .strictObject({
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    customerId: z
      .string()
      .min(1)
      .max(64)
      .nullish()
      .transform((v) => v ?? null)
      .meta({ description: 'Required for role customer; not allowed otherwise.' }),
  })
  .superRefine((k, ctx) => {
    if (k.role === 'customer' && k.customerId === null)
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'is required for a key of role customer',
      });
    if (k.role !== 'customer' && typeof k.customerId === 'string')
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: `must be absent for a key of role ${k.role}: only customer keys are bound to a customer`,
      });
  });

export type NewApiKey = z.output<typeof newApiKeySchema>;

function toInfo(r: Selectable<ApiKeyTable>): ApiKeyInfo {
  return {
    id: r.id,
    role: r.role as Role,
    customerId: r.customer_id,
    createdAt: Date.parse(r.created_at),
    revokedAt: r.revoked_at === null ? null : Date.parse(r.revoked_at),
  };
}

/**
 * Create an API key. The answer carries the key itself, which is stored only as its SHA-256 and so
 * can never be shown again. A customer key's customer must exist (AppError `not_found`).
 */
export async function createApiKey(
  deps: FleetDeps,
  input: NewApiKey,
): Promise<ApiKeyInfo & { readonly key: string }> {
  if (input.role === 'customer' && input.customerId === null)
    throw new AppError('validation_failed', 'customerId: is required for a key of role customer');
  if (input.role !== 'customer' && input.customerId !== null)
    throw new AppError('validation_failed', 'customerId: must be absent unless role is customer');
  if (input.customerId !== null) await getCustomer(deps.db, input.customerId);
  const key = generateApiKey(input.role);
  const info: ApiKeyInfo = {
    id: newId('key'),
    role: input.role,
    customerId: input.customerId,
    createdAt: deps.clock.now(),
    revokedAt: null,
  };
  await deps.db
    .insertInto('api_keys')
    .values({
      id: info.id,
      key_hash: hashApiKey(key),
      role: info.role,
      customer_id: info.customerId,
      created_at: toIso(info.createdAt),
      revoked_at: null,
    })
    .execute();
  return { ...info, key };
}

/** Every API key (without the keys), oldest first. */
export async function listApiKeys(db: Kysely<LedgerDatabase>): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toInfo);
}

/**
 * Revoke the key `id` (AppError `not_found` when there is none). Revoking twice keeps the first
 * time. Other processes see it within about a second through the ledger's revocation mark; the
 * route makes its own process's authenticator forget at once.
 */
export async function revokeApiKey(deps: FleetDeps, id: string): Promise<ApiKeyInfo> {
  await deps.db
    .updateTable('api_keys')
    .set({ revoked_at: toIso(deps.clock.now()) })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await deps.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) throw notFound('API key', id);
  return toInfo(row);
}
