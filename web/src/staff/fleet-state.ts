import { mapLimit, type Api } from '../shared/api.js';
import type { Contract, Customer, Invoice, List, Period } from '../shared/types.js';

/**
 * Everything the console shows about contracts, gathered per contract (the API has
 * no fleet-wide period list).
 */
export interface FleetState {
  readonly contracts: readonly Contract[];
  readonly customers: ReadonlyMap<string, Customer>;
  readonly periods: ReadonlyMap<string, readonly Period[]>;
  /** Every invoice, newest first. */
  readonly invoices: readonly Invoice[];
}

/**
 * Load the fleet's contracts with their periods and invoices, four requests at a time: fine for a
 * demo-sized fleet; a large one needs fleet-wide period and invoice lists in the API.
 */
export async function loadFleetState(api: Api): Promise<FleetState> {
  const [contracts, customers] = await Promise.all([
    api.get<List<Contract>>('/v1/contracts'),
    api.get<List<Customer>>('/v1/customers'),
  ]);
  const perContract = await mapLimit(contracts.items, 4, async (c) => {
    const id = encodeURIComponent(c.id);
    const [periods, invoices] = await Promise.all([
      api.get<List<Period>>(`/v1/contracts/${id}/periods`),
      api.get<List<Invoice>>(`/v1/contracts/${id}/invoices`),
    ]);
    return { id: c.id, periods: periods.items, invoices: invoices.items };
  });
  return {
    contracts: contracts.items,
    customers: new Map(customers.items.map((c) => [c.id, c])),
    periods: new Map(perContract.map((p) => [p.id, p.periods])),
    invoices: perContract
      .flatMap((p) => p.invoices)
      .sort(
        (a, b) =>
          Date.parse(b.issuedAt) - Date.parse(a.issuedAt) || b.number.localeCompare(a.number),
      ),
  };
}

/** "Demo household 2 (ctr_…)": how the console names a contract. */
export function contractName(state: FleetState, contractId: string): string {
  const contract = state.contracts.find((c) => c.id === contractId);
  const customer = contract === undefined ? undefined : state.customers.get(contract.customerId);
  return customer === undefined ? contractId : `${customer.name} (${contractId})`;
}
