import type { Kysely, Selectable } from 'kysely';
import { tariffSchema, type Tariff } from '../billing/tariff-schema.js';
import type { LedgerDatabase, TariffTable } from '../ledger/schema.js';
import { newId } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import type { FleetDeps } from './fleet-deps.js';
import { notFound } from './visibility.js';

/** A stored tariff: the validated document of docs/design.md §5 with its id. */
export interface StoredTariff extends Tariff {
  readonly id: string;
  /** Epoch ms. */
  readonly createdAt: number;
}

function toTariff(row: Selectable<TariffTable>): StoredTariff {
  // Re-validated on the way out: the JSON column is only as trustworthy as whatever last wrote it.
  // A stored document that fails is the server's problem (500, logged), not the caller's bad input
  // (a ZodError's 400).
  const parsed = tariffSchema.safeParse(JSON.parse(row.body) as unknown);
  if (!parsed.success)
    throw new Error(
      `tariff ${row.id} in the ledger does not match the tariff schema: ${parsed.error.message}`,
    );
  return { id: row.id, ...parsed.data, createdAt: Date.parse(row.created_at) };
}

/** Store a tariff document (already validated by `tariffSchema`) as JSON text. */
export async function createTariff(deps: FleetDeps, doc: Tariff): Promise<StoredTariff> {
  const tariff: StoredTariff = { id: newId('trf'), ...doc, createdAt: deps.clock.now() };
  await deps.db
    .insertInto('tariffs')
    .values({
      id: tariff.id,
      name: doc.name,
      currency: doc.currency,
      body: JSON.stringify(doc),
      created_at: toIso(tariff.createdAt),
    })
    .execute();
  return tariff;
}

/** The tariff `id`, or AppError `not_found`. */
export async function getTariff(db: Kysely<LedgerDatabase>, id: string): Promise<StoredTariff> {
  const row = await db.selectFrom('tariffs').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound('tariff', id);
  return toTariff(row);
}

/** Every tariff, oldest first. */
export async function listTariffs(db: Kysely<LedgerDatabase>): Promise<StoredTariff[]> {
  const rows = await db
    .selectFrom('tariffs')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toTariff);
}
