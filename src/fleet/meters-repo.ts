import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import { AppError } from '../shared/app-error.js';
import { toIso } from '../shared/time.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { METER_ID_LOWER_INDEX } from '../ledger/migrations/0007-meter-id-case.js';
import type { LedgerDatabase, MeterTable } from '../ledger/schema.js';
import { type Consent, parseConsent } from '../privacy/consent.js';
import { newMeterSchema, type Meter, type NewMeter, type ParsedMeter } from './meter.js';
import type { FleetDeps } from './fleet-deps.js';
import { canSee, notFound, type Visibility } from './visibility.js';
import type { DeviceFormatName } from '../formats/device-format.js';
import { loginOf, type MeterSource } from './meter-source.js';
import { checkBinding } from './meter-binding.js';
import { DEFAULT_COUNTER_RESETS } from '../formats/counter-defaults.js';

function toMeter(row: Selectable<MeterTable>): Meter {
  // `== null`: a ledger read before migration 0008 (a migration test) has no such columns.
  const source = row.source == null ? null : (JSON.parse(row.source) as MeterSource);
  return {
    id: row.id,
    contractId: row.contract_id,
    installedAt: Date.parse(row.installed_at),
    maxPowerW: row.max_power_w,
    format: (row.format ?? 'wattledger') as DeviceFormatName,
    source,
    login: loginOf(row.id, source),
    counterResets: row.counter_resets === 'new-span' ? 'new-span' : 'reject',
    registerMaxWh: row.register_max_wh == null ? null : Number(row.register_max_wh),
    decreaseToleranceWh: Number(row.decrease_tolerance_wh ?? 0),
    removedAt: row.removed_at == null ? null : Date.parse(row.removed_at),
  };
}

/**
 * Register a meter. Throws AppError `conflict` when the id exists (ignoring case),
 * `validation_failed` on bad input.
 */
export async function addMeter(deps: FleetDeps, input: NewMeter): Promise<Meter> {
  const parsed = newMeterSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('validation_failed', describeZodIssues(parsed.error.issues));
  return insertMeter(deps, parsed.data);
}

async function insertMeter(deps: FleetDeps, m: ParsedMeter): Promise<Meter> {
  // Ids differing only in case would be told apart by the ledger but not by people reading topics,
  // dashboards or bills: refuse them as the same id.
  const twin = await deps.db
    .selectFrom('meters')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['id']), '=', m.id.toLowerCase()))
    .where('id', '!=', m.id)
    .executeTakeFirst();
  if (twin !== undefined)
    throw new AppError(
      'conflict',
      `meter ${m.id} already exists as ${twin.id} (meter ids are compared ignoring case)`,
    );
  await checkBinding(deps.db, m);
  const counterResets = m.counterResets ?? DEFAULT_COUNTER_RESETS[m.format];
  // The check above names the twin; the ledger enforces the rule (a unique index on `lower(id)`),
  // so two concurrent adds differing only in case end in `conflict` too, not a driver error. One
  // statement, not select-then-insert, for two concurrent adds of one id.
  const result = await deps.db
    .insertInto('meters')
    .values({
      id: m.id,
      contract_id: m.contractId,
      installed_at: toIso(m.installedAt),
      max_power_w: m.maxPowerW,
      created_at: toIso(deps.clock.now()),
      format: m.format,
      source: m.source === null ? null : JSON.stringify(m.source),
      source_topic: m.source?.topic ?? null,
      mqtt_login: m.source?.login ?? null,
      counter_resets: counterResets,
      register_max_wh: m.registerMaxWh,
      decrease_tolerance_wh: m.decreaseToleranceWh ?? 0,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst()
    .catch((e: unknown) => {
      if (isCaseTwinViolation(e))
        throw new AppError(
          'conflict',
          `meter ${m.id} already exists with another case (meter ids are compared ignoring case)`,
        );
      throw e;
    });
  if (result.numInsertedOrUpdatedRows === 0n)
    throw new AppError('conflict', `meter ${m.id} already exists`);
  return {
    id: m.id,
    contractId: m.contractId,
    installedAt: m.installedAt,
    maxPowerW: m.maxPowerW,
    format: m.format,
    source: m.source,
    login: loginOf(m.id, m.source),
    counterResets,
    registerMaxWh: m.registerMaxWh,
    decreaseToleranceWh: m.decreaseToleranceWh ?? 0,
    removedAt: null,
  };
}

/**
 * Whether `e` is the ledger refusing a meter id that differs from an existing one only in case:
 * PostgreSQL's unique violation (23505) or SQLite's, on the index of migration 0007.
 */
function isCaseTwinViolation(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const { code, constraint } = e as Error & { code?: unknown; constraint?: unknown };
  if (code === '23505') return constraint === METER_ID_LOWER_INDEX;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message.includes(METER_ID_LOWER_INDEX);
}

/** The meters among `ids` that exist. */
export async function findMeters(
  db: Kysely<LedgerDatabase>,
  ids: readonly string[],
): Promise<Meter[]> {
  if (ids.length === 0) return [];
  const out: Meter[] = [];
  // Chunked so PostgreSQL and SQLite stay under their bound-parameter limits.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('meters')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
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
  const row = await db
    .selectFrom('meters')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Register a meter over the API: like addMeter, but a given `contractId` must name an existing
 * contract (AppError `not_found`). Contracts are never deleted, so checking before the insert
 * cannot race.
 */
export async function createMeter(deps: FleetDeps, given: MeterFields): Promise<Meter> {
  const m: ParsedMeter = {
    ...given,
    format: given.format ?? 'wattledger',
    source: given.source ?? null,
    registerMaxWh: given.registerMaxWh ?? null,
  };
  if (m.contractId !== null) {
    const contract = await deps.db
      .selectFrom('contracts')
      .select('id')
      .where('id', '=', m.contractId)
      .executeTakeFirst();
    if (contract === undefined) throw notFound('contract', m.contractId);
  }
  return insertMeter(deps, m);
}

/** A parsed meter whose format defaults to wattledger's own (no source). */
export type MeterFields = Omit<ParsedMeter, 'format' | 'source' | 'registerMaxWh'> &
  Partial<Pick<ParsedMeter, 'format' | 'source' | 'registerMaxWh'>>;

/** A meter with what reading it needs: its contract's customer, IANA time zone and consent. */
export type MeterAccess = Meter & {
  readonly customerId: string | null;
  readonly timezone: string;
  readonly consent: Consent;
};

/**
 * The meter `id` with its contract's customer, time zone (UTC without a contract), which
 * consumption buckets follow, and consent (`month` without a contract: privacy by default), in one
 * query; undefined when there is no such meter. Callers check visibility (`getMeter`,
 * `MeterLookup`).
 */
export async function findMeterAccess(
  db: Kysely<LedgerDatabase>,
  id: string,
): Promise<MeterAccess | undefined> {
  const { rows } = await db.executeQuery<MeterRow>({ ...meterQuery(db), parameters: [id] });
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    ...toMeter(row),
    customerId: row.customer_id,
    timezone: row.timezone ?? 'UTC',
    consent: parseConsent(row.consent),
  };
}

/**
 * The meter `id` if `v` may see it (a customer: only meters of its contracts); else AppError
 * `not_found`, exactly as for an absent meter. See `findMeterAccess`.
 */
export async function getMeter(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  id: string,
): Promise<MeterAccess> {
  return visibleMeter(v, id, await findMeterAccess(db, id));
}

/** `m` if `v` may see it, else the 404 of an absent meter. */
export function visibleMeter(v: Visibility, id: string, m: MeterAccess | undefined): MeterAccess {
  if (m === undefined || !canSee(v, m.customerId)) throw notFound('meter', id);
  return m;
}

const meterSelect = (db: Kysely<LedgerDatabase>, id: string) =>
  db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .selectAll('meters')
    .select(['contracts.customer_id', 'contracts.timezone', 'contracts.consent'])
    .where('meters.id', '=', id);

/**
 * getMeter's query, compiled once per ledger: it runs on every consumption request, and building
 * and compiling it cost as much as SQLite answering it. Only the parameter changes between calls.
 */
type MeterRow = Awaited<ReturnType<ReturnType<typeof meterSelect>['executeTakeFirstOrThrow']>>;
const meterQueries = new WeakMap<Kysely<LedgerDatabase>, CompiledQuery<MeterRow>>();
function meterQuery(db: Kysely<LedgerDatabase>) {
  let q = meterQueries.get(db);
  if (q === undefined) {
    q = meterSelect(db, '').compile();
    meterQueries.set(db, q);
  }
  return q;
}

/**
 * The meters `v` may see, optionally of one contract (which must be visible, else AppError
 * `not_found`), by id.
 */
export async function listVisibleMeters(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  filter: { contractId?: string | undefined } = {},
): Promise<Meter[]> {
  if (filter.contractId !== undefined) {
    const c = await db
      .selectFrom('contracts')
      .select('customer_id')
      .where('id', '=', filter.contractId)
      .executeTakeFirst();
    if (c === undefined || !canSee(v, c.customer_id)) throw notFound('contract', filter.contractId);
  }
  let q = db
    .selectFrom('meters')
    .leftJoin('contracts', 'contracts.id', 'meters.contract_id')
    .selectAll('meters')
    .orderBy('meters.id');
  if (filter.contractId !== undefined) q = q.where('meters.contract_id', '=', filter.contractId);
  if (!v.all) q = q.where('contracts.customer_id', '=', v.customerId);
  return (await q.execute()).map(toMeter);
}
