import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { toIso } from '../shared/time.js';
import type { LedgerDatabase, MeterTable } from '../ledger/schema.js';
import { newMeterSchema, type Meter, type NewMeter } from './meter.js';

export interface FleetDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
}

function toMeter(row: Selectable<MeterTable>): Meter {
  return { id: row.id, contractId: row.contract_id, installedAt: Date.parse(row.installed_at), maxPowerW: row.max_power_w };
}

/** Register a meter. Throws AppError `conflict` when the id exists, `validation_failed` on bad input. */
export async function addMeter(deps: FleetDeps, input: NewMeter): Promise<Meter> {
  const parsed = newMeterSchema.safeParse(input);
  if (!parsed.success) throw new AppError('validation_failed', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const m = parsed.data;
  // One statement, not select-then-insert: two concurrent adds of one id must end in `conflict`, not a driver error.
  const result = await deps.db
    .insertInto('meters')
    .values({ id: m.id, contract_id: m.contractId, installed_at: toIso(m.installedAt), max_power_w: m.maxPowerW, created_at: toIso(deps.clock.now()) })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (result.numInsertedOrUpdatedRows === 0n) throw new AppError('conflict', `meter ${m.id} already exists`);
  return { id: m.id, contractId: m.contractId, installedAt: m.installedAt, maxPowerW: m.maxPowerW };
}

/** The meters among `ids` that exist. */
export async function findMeters(db: Kysely<LedgerDatabase>, ids: readonly string[]): Promise<Meter[]> {
  if (ids.length === 0) return [];
  const out: Meter[] = [];
  // Chunked so PostgreSQL and SQLite stay under their bound-parameter limits.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('meters').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute();
    out.push(...rows.map(toMeter));
  }
  return out;
}

/** All meters, by id. */
export async function listMeters(db: Kysely<LedgerDatabase>): Promise<Meter[]> {
  const rows = await db.selectFrom('meters').selectAll().orderBy('id').execute();
  return rows.map(toMeter);
}

/** Number of meters: the demo seeds only an empty fleet. */
export async function countMeters(db: Kysely<LedgerDatabase>): Promise<number> {
  const row = await db.selectFrom('meters').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
