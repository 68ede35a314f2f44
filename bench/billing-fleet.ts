// Shared by bench:settle and bench:estimate: readings of simulated households (the simulators' load
// profiles and register model, deterministic per seed), calendar months in the contracts' zone, the
// readings window billing reads, and a settlement fleet (ledger contracts + InfluxDB readings).
import { DateTime } from 'luxon';
import { makeFleet, type MeterDefinition } from '../simulators/fleet.js';
import { createMeterState } from '../simulators/meter-state.js';
import { tariffSchema } from '../src/billing/tariff-schema.js';
import { createContract } from '../src/fleet/contracts.js';
import { createCustomer } from '../src/fleet/customers.js';
import type { FleetDeps } from '../src/fleet/fleet-deps.js';
import { addMeter } from '../src/fleet/meters-repo.js';
import { createTariff } from '../src/fleet/tariffs.js';
import { StoreWriteError, type ReadingStore } from '../src/readings/reading-store.js';
import type { Reading } from '../src/readings/reading.js';
import { DESIGN_TARIFF } from '../test/support/design-tariff.js';

/** The zone of every bench contract: the docs/design.md §5 tariff is a French one. */
export const TZ = 'Europe/Paris';
export const DAY_MS = 86_400_000;

/**
 * A calendar month in a zone, `[local 1st 00:00, next 1st 00:00)` as epoch ms: one billing period.
 */
export interface Month {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** The billing period of `year-month` (1-based month) in `tz`. */
export function localMonth(year: number, month: number, tz = TZ): Month {
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: tz });
  return {
    label: start.toFormat('yyyy-MM'),
    start: start.toMillis(),
    end: start.plus({ months: 1 }).toMillis(),
  };
}

/**
 * A seeded fleet of simulated homes (one in five with solar panels, so with `exportWh`), installed
 * at `installedAt`: the register model counts from there, which keeps generating a month cheap.
 */
export function simulatedFleet(
  meters: number,
  seed: number,
  prefix: string,
  installedAt: number,
): MeterDefinition[] {
  return makeFleet({ meters, seed, prefix, installedAt });
}

/**
 * The 15-minute readings of one simulated meter over `[from, to]`, each received
 * 5 s after its meter time.
 */
export function meterReadings(meter: MeterDefinition, from: number, to: number): Reading[] {
  const state = createMeterState(meter, { startTs: from });
  return state.advanceTo(to).map((r) => ({
    meterId: r.meterId,
    ts: r.ts,
    importWh: r.importWh,
    exportWh: r.exportWh,
    powerW: r.powerW,
    receivedAt: r.ts + 5_000,
  }));
}

/**
 * Index of the first reading with `ts >= t` in ascending `sorted` (its length when there is none).
 */
function lowerBound(sorted: readonly Reading[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What `ReadingStore.windows` answers for `[from, to]` and `readBillMeters` hands to billing, from
 * readings in memory: the readings inside plus the nearest one before and after.
 */
export function readingsWindow(sorted: readonly Reading[], from: number, to: number): Reading[] {
  const first = lowerBound(sorted, from);
  const pastEnd = lowerBound(sorted, to + 1);
  return sorted.slice(Math.max(0, first - 1), Math.min(sorted.length, pastEnd + 1));
}

/**
 * One customer, one contract on the docs/design.md §5 time-of-use tariff (starting at
 * `contractStart`, in TZ) and one meter per simulated home, through the fleet functions the API
 * uses. Batched in transactions: fleet set-up is not what is measured, and one commit per row would
 * make it the slowest step.
 */
export async function createSettlementFleet(
  deps: FleetDeps,
  meters: readonly MeterDefinition[],
  contractStart: number,
): Promise<void> {
  const tariff = await createTariff(deps, tariffSchema.parse(DESIGN_TARIFF));
  for (let i = 0; i < meters.length; i += 500) {
    await deps.db.transaction().execute(async (tx) => {
      const txDeps: FleetDeps = { db: tx, clock: deps.clock };
      for (const m of meters.slice(i, i + 500)) {
        const customer = await createCustomer(txDeps, { name: `Bench ${m.meterId}`, email: null });
        const contract = await createContract(txDeps, {
          customerId: customer.id,
          tariffId: tariff.id,
          timezone: TZ,
          startsAt: contractStart,
          endsAt: null,
        });
        await addMeter(txDeps, {
          id: m.meterId,
          contractId: contract.id,
          installedAt: new Date(m.installedAt ?? contractStart).toISOString(),
        });
      }
    });
  }
}

/**
 * writeBatch, retried while InfluxDB answers 5xx (its write cache can fill up under a bulk load).
 */
async function writeWithRetry(store: ReadingStore, batch: readonly Reading[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store.writeBatch(batch);
    } catch (e) {
      if (!(e instanceof StoreWriteError && e.retryable) || attempt >= 8) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/**
 * Generate and write every meter's readings over `[from, to]` straight into the store (line
 * protocol in requests of at most 5,000 points, as ingest flushes them), `writers` meters in
 * flight at once so generating the next meter overlaps InfluxDB storing the previous ones.
 * Answers the readings written.
 */
export async function loadReadings(
  store: ReadingStore,
  meters: readonly MeterDefinition[],
  from: number,
  to: number,
  writers = 4,
): Promise<number> {
  let next = 0;
  let written = 0;
  const writer = async () => {
    for (let m = next++; m < meters.length; m = next++) {
      const batch = meterReadings(meters[m]!, from, to);
      await writeWithRetry(store, batch);
      written += batch.length;
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return written;
}
