import type { ReadingStore } from '../../readings/reading-store.js';
import {
  type ContractUsage,
  type MeterReadings,
  type MeterUsage,
  UsageFold,
} from './meter-usage.js';
import { type BillReadRequest, forEachBillMeter } from './read-meters.js';

/**
 * A bill to read, and the ways each of its meters is taken (measured, projected at an instant,
 * extrapolated).
 */
export interface BillFoldRequest extends BillReadRequest {
  readonly ways: readonly ((m: MeterReadings) => MeterUsage)[];
}

/**
 * A bill's usage, one per way asked and in that order; or what taking a meter threw (a pricing
 * input error).
 */
export type FoldedBill =
  { readonly usages: readonly ContractUsage[] } | { readonly error: unknown };

/**
 * Read bills from the store and sum each meter into its bill, every way asked, as its readings
 * arrive: only the store calls in flight hold readings, so neither a contract of a thousand meters
 * nor a fleet of contracts is ever in memory at once. A store failure rejects; a meter that cannot
 * be taken fails its bill only.
 */
export async function foldBills(
  store: Pick<ReadingStore, 'windows'>,
  requests: readonly BillFoldRequest[],
): Promise<Map<string, FoldedBill>> {
  const folds = new Map(
    requests.map((r) => [
      r.key,
      { ways: r.ways, folds: r.ways.map(() => new UsageFold()), error: undefined as unknown },
    ]),
  );
  await forEachBillMeter(store, requests, (key, m) => {
    const f = folds.get(key);
    if (f === undefined || f.error !== undefined) return;
    try {
      f.ways.forEach((way, i) => f.folds[i]!.add(way(m)));
    } catch (error) {
      f.error = error;
    }
  });
  return new Map(
    [...folds].map(([key, f]) => [
      key,
      f.error === undefined ? { usages: f.folds.map((x) => x.result()) } : { error: f.error },
    ]),
  );
}

/** The usages of a folded bill, or what failed it, thrown. */
export function usagesOf(bill: FoldedBill | undefined, key: string): readonly ContractUsage[] {
  if (bill === undefined) throw new Error(`bill ${key} was not read`);
  if ('error' in bill) throw bill.error;
  return bill.usages;
}
