import type { Kysely, Selectable } from 'kysely';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { QUARTER_MS } from '../consumption/edge-rule.js';
import type { ContractTable, LedgerDatabase } from '../ledger/schema.js';
import { type Consent, parseConsent } from '../privacy/consent.js';
import { AppError } from '../shared/app-error.js';
import { newId } from '../shared/ids.js';
import { parseRfc3339, toIso } from '../shared/time.js';
import { getCustomer } from './customers.js';
import type { FleetDeps } from './fleet-deps.js';
import { boundedInstantSchema } from './input-rules.js';
import { getTariff } from './tariffs.js';
import { canSee, notFound, type Visibility } from './visibility.js';

export interface Contract {
  readonly id: string;
  readonly customerId: string;
  readonly tariffId: string;
  /** IANA time zone of the contract's billing periods and local calendars. */
  readonly timezone: string;
  /** Epoch ms. */
  readonly startsAt: number;
  /** Epoch ms of move-out, or null while open-ended. */
  readonly endsAt: number | null;
  readonly createdAt: number;
  /**
   * The finest granularity the customer allows to be shown and kept (`month` until they choose
   * otherwise).
   */
  readonly consent: Consent;
}

const idRef = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/** An IANA zone name, with its letter case repaired (`europe/paris` → `Europe/Paris`). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .transform((tz, ctx) => {
    if (!IANAZone.isValidZone(tz)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(tz.slice(0, 64))} is not an IANA time zone such as "Europe/Paris"`,
      });
      return z.NEVER;
    }
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    // Only the case is taken from ICU: its canonical names of aliases vary between versions
    // (Kyiv/Kiev).
    return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
  })
  .meta({ example: 'Europe/Paris' });

/** The body of `POST /v1/contracts`. */
export const newContractSchema = z
  .strictObject({
    customerId: idRef,
    tariffId: idRef,
    timezone: timeZoneSchema,
    startsAt: boundedInstantSchema.meta({
      format: 'date-time',
      example: '2026-02-01T00:00:00+01:00',
    }),
    endsAt: boundedInstantSchema
      .nullish()
      .transform((v) => v ?? null)
      .meta({ format: 'date-time', description: 'Move-out; absent while open-ended.' }),
  })
  .superRefine((c, ctx) => {
    if (typeof c.startsAt === 'number' && typeof c.endsAt === 'number' && c.endsAt <= c.startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    // Billing periods are unions of 15-minute intervals (docs/design.md §1), so a contract starts
    // and ends on one.
    for (const key of ['startsAt', 'endsAt'] as const) {
      const v = c[key];
      if (typeof v === 'number' && v % QUARTER_MS !== 0)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'must lie on a quarter hour (:00, :15, :30 or :45, seconds zero)',
        });
    }
  });

export type NewContract = z.output<typeof newContractSchema>;

function toContract(r: Selectable<ContractTable>): Contract {
  return {
    id: r.id,
    customerId: r.customer_id,
    tariffId: r.tariff_id,
    timezone: r.timezone,
    startsAt: Date.parse(r.starts_at),
    endsAt: r.ends_at === null ? null : Date.parse(r.ends_at),
    createdAt: Date.parse(r.created_at),
    consent: parseConsent(r.consent),
  };
}

/**
 * Create a contract. Its customer and tariff must exist (AppError `not_found` names the missing
 * one), and the tariff must have a version in force at `startsAt`, or the first period could never
 * be priced.
 */
export async function createContract(deps: FleetDeps, input: NewContract): Promise<Contract> {
  await getCustomer(deps.db, input.customerId);
  const tariff = await getTariff(deps.db, input.tariffId);
  const first = tariff.versions[0]?.validFrom;
  if (first !== undefined && (parseRfc3339(first) ?? 0) > input.startsAt) {
    throw new AppError(
      'validation_failed',
      `startsAt: tariff ${tariff.id} has no version in force before ${first}`,
    );
  }
  // Consent starts at the ledger's default, `month`: only the customer (or an admin recording it)
  // widens it.
  const contract: Contract = {
    id: newId('ctr'),
    ...input,
    createdAt: deps.clock.now(),
    consent: 'month',
  };
  await deps.db
    .insertInto('contracts')
    .values({
      id: contract.id,
      customer_id: contract.customerId,
      tariff_id: contract.tariffId,
      timezone: contract.timezone,
      starts_at: toIso(contract.startsAt),
      ends_at: contract.endsAt === null ? null : toIso(contract.endsAt),
      created_at: toIso(contract.createdAt),
    })
    .execute();
  return contract;
}

/**
 * The contract `id` if `v` may see it; otherwise AppError `not_found`, exactly as for an absent
 * one.
 */
export async function getContract(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  id: string,
): Promise<Contract> {
  const row = await db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || !canSee(v, row.customer_id)) throw notFound('contract', id);
  return toContract(row);
}

/** The contracts `v` may see, optionally of one customer, oldest start first. */
export async function listContracts(
  db: Kysely<LedgerDatabase>,
  v: Visibility,
  filter: { customerId?: string | undefined } = {},
): Promise<Contract[]> {
  let q = db.selectFrom('contracts').selectAll().orderBy('starts_at').orderBy('id');
  if (!v.all) q = q.where('customer_id', '=', v.customerId);
  if (filter.customerId !== undefined) q = q.where('customer_id', '=', filter.customerId);
  return (await q.execute()).map(toContract);
}
