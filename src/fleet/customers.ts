import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { CustomerTable, LedgerDatabase } from '../ledger/schema.js';
import { newId } from '../shared/ids.js';
import { toIso } from '../shared/time.js';
import type { FleetDeps } from './fleet-deps.js';
import { NO_CONTROL_MESSAGE, noControlCharacters } from './input-rules.js';
import { notFound } from './visibility.js';

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** The body of `POST /v1/customers`. */
export const newCustomerSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine(noControlCharacters, NO_CONTROL_MESSAGE)
    .meta({ example: 'Camille Martin' }),
  email: z
    .email('must be an e-mail address')
    .max(254)
    .nullish()
    .transform((v) => v ?? null)
    .meta({ example: 'camille@example.org' }),
});

export type NewCustomer = z.output<typeof newCustomerSchema>;

function toCustomer(row: Selectable<CustomerTable>): Customer {
  return { id: row.id, name: row.name, email: row.email, createdAt: Date.parse(row.created_at) };
}

/** Create a customer. */
export async function createCustomer(deps: FleetDeps, input: NewCustomer): Promise<Customer> {
  const customer: Customer = {
    id: newId('cus'),
    name: input.name,
    email: input.email,
    createdAt: deps.clock.now(),
  };
  await deps.db
    .insertInto('customers')
    .values({
      id: customer.id,
      name: customer.name,
      email: customer.email,
      created_at: toIso(customer.createdAt),
    })
    .execute();
  return customer;
}

/** The customer `id`, or AppError `not_found`. */
export async function getCustomer(db: Kysely<LedgerDatabase>, id: string): Promise<Customer> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound('customer', id);
  return toCustomer(row);
}

/** Every customer, oldest first. */
export async function listCustomers(db: Kysely<LedgerDatabase>): Promise<Customer[]> {
  const rows = await db
    .selectFrom('customers')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toCustomer);
}
