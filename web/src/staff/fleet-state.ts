import { query, type Api } from '../shared/api.js';
import type { Contract, Customer, FleetPeriod, Invoice, List } from '../shared/types.js';

/** How many of the latest invoices the console lists. */
export const LATEST_INVOICES = 15;

/** Everything the console shows about contracts, from the fleet-wide lists. */
export interface FleetState {
  readonly contracts: readonly Contract[];
  readonly customers: ReadonlyMap<string, Customer>;
  /** The month the periods are of (YYYY-MM). */
  readonly month: string;
  /** Every contract's period of `month`. */
  readonly periods: readonly FleetPeriod[];
  /** Every held period, whatever its month: each needs staff. */
  readonly held: readonly FleetPeriod[];
  /** The latest invoices, newest first. */
  readonly invoices: readonly Invoice[];
}

/** Every page of a paged list. */
async function allPages<T>(api: Api, path: string, params: Record<string, string>): Promise<T[]> {
  const out: T[] = [];
  let before: string | undefined;
  do {
    const page = await api.get<List<T>>(`${path}${query({ ...params, limit: 500, before })}`);
    out.push(...page.items);
    before = page.nextCursor;
  } while (before !== undefined);
  return out;
}

/**
 * Load the fleet's contracts, customers, the month's periods, the held periods and the latest
 * invoices: five fleet-wide requests (more pages for a fleet of thousands), whatever the number of
 * contracts.
 */
export async function loadFleetState(api: Api, month: string): Promise<FleetState> {
  const [contracts, customers, periods, held, invoices] = await Promise.all([
    api.get<List<Contract>>('/v1/contracts'),
    api.get<List<Customer>>('/v1/customers'),
    allPages<FleetPeriod>(api, '/v1/periods', { month }),
    allPages<FleetPeriod>(api, '/v1/periods', { status: 'held' }),
    api.get<List<Invoice>>(`/v1/invoices${query({ limit: LATEST_INVOICES })}`),
  ]);
  return {
    contracts: contracts.items,
    customers: new Map(customers.items.map((c) => [c.id, c])),
    month,
    periods,
    held,
    invoices: invoices.items,
  };
}

/** "Demo household 2 (ctr_…)": how the console names a contract. */
export function contractName(state: FleetState, contractId: string): string {
  const contract = state.contracts.find((c) => c.id === contractId);
  const customer = contract === undefined ? undefined : state.customers.get(contract.customerId);
  return customer === undefined ? contractId : `${customer.name} (${contractId})`;
}
