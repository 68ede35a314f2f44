import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Visibility } from '../../fleet/visibility.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import { toIso } from '../../shared/time.js';
import { visibleContext } from '../bill-view.js';
import { Dec, fixed, minorDigits } from '../pricing/decimal.js';

/** A contract's monthly budget: what the customer's app warns against. */
export interface Budget {
  readonly contractId: string;
  /** Decimal string with the currency's minor digits; null when none is set. */
  readonly amount: string | null;
  /** The currency of the contract's tariff. */
  readonly currency: string;
  /** When it was set; null when none is set. */
  readonly updatedAt: number | null;
}

/**
 * The body of `PUT /v1/contracts/{id}/budget`: a positive amount of money per billing period as a
 * decimal string (never a JSON number, which would not be exact), or null to remove it.
 */
export const budgetBodySchema = z.strictObject({
  amount: z
    .string()
    .regex(/^\d{1,9}(\.\d{1,4})?$/, 'must be a decimal string such as "120" or "120.50"')
    .refine((s) => new Dec(s).isPositive() && !new Dec(s).isZero(), 'must be more than zero')
    .nullable(),
});

/** What setting a budget needs. */
export interface BudgetDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly clock: Clock;
}

/**
 * The budget of contract `contractId`, if `v` may see the contract (404 otherwise, as for an absent
 * one).
 */
export async function getBudget(
  deps: BudgetDeps,
  v: Visibility,
  contractId: string,
): Promise<Budget> {
  const ctx = await visibleContext(deps.db, v, contractId);
  const row = await deps.db
    .selectFrom('contract_budgets')
    .selectAll()
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  return {
    contractId,
    amount: row === undefined || row.currency !== ctx.tariff.currency ? null : row.amount,
    currency: ctx.tariff.currency,
    updatedAt:
      row === undefined || row.currency !== ctx.tariff.currency ? null : Date.parse(row.updated_at),
  };
}

/**
 * Set (or, with null, remove) the monthly budget of contract `contractId` in its tariff's currency,
 * written with exactly the currency's minor digits. Who may is the route's business; a contract `v`
 * may not see is 404.
 *
 * @throws AppError `validation_failed` for an amount finer than the currency's minor unit.
 */
export async function setBudget(
  deps: BudgetDeps,
  v: Visibility,
  actor: string,
  contractId: string,
  amount: string | null,
): Promise<Budget> {
  const ctx = await visibleContext(deps.db, v, contractId);
  const currency = ctx.tariff.currency;
  const now = deps.clock.now();
  if (amount === null) {
    await deps.db.deleteFrom('contract_budgets').where('contract_id', '=', contractId).execute();
    return { contractId, amount: null, currency, updatedAt: null };
  }
  const digits = minorDigits(currency);
  const exact = new Dec(amount);
  if (exact.decimalPlaces() > digits)
    throw new AppError(
      'validation_failed',
      `amount: ${currency} has ${digits} decimal${digits === 1 ? '' : 's'}, got ${JSON.stringify(amount)}`,
    );
  const row = {
    contract_id: contractId,
    amount: fixed(exact, digits),
    currency,
    updated_at: toIso(now),
    updated_by: actor,
  };
  await deps.db
    .insertInto('contract_budgets')
    .values(row)
    .onConflict((oc) =>
      oc.column('contract_id').doUpdateSet({
        amount: row.amount,
        currency: row.currency,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
  return { contractId, amount: row.amount, currency, updatedAt: now };
}
