// bench:estimate's second part: how long `GET /v1/billing/revenue` takes for a fleet of contracts
// in the middle of their open month. The app runs in process on a SQLite ledger and the embedded
// SQLite readings store, each contract one simulated household with the four weeks of 15-minute
// readings its estimate reads. The first request values every open bill from the readings (and
// records those valuations); later requests about the same hour are answered from the ledger.
import { createTestApi, ADMIN_KEY } from '../test/support/api.js';
import { manualClock } from '../src/shared/clock.js';
import { createSettlementFleet, DAY_MS, loadReadings, simulatedFleet } from './billing-fleet.js';

/** Mid-November 2026: the contracts' open period is half over. */
const NOW = Date.parse('2026-11-16T12:00:00Z');
const CONTRACT_START = Date.parse('2026-09-30T22:00:00Z');
/** Readings from a month before now: the estimate's four weeks of history and the month so far. */
const FROM = NOW - 30 * DAY_MS;

/** Times of the revenue request: the first (valuing every bill) and the median of those after. */
export interface RevenueTiming {
  readonly firstMs: number;
  readonly repeatMs: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Set up `contracts` contracts with their readings and time the revenue request of their month:
 * once cold, then five times more. Answers the repeated median, the figure a console polling the
 * state of revenue meets; `log` reports both.
 */
export async function measureRevenue(
  contracts: number,
  seed: number,
  log: (msg: string) => void,
): Promise<number> {
  const clock = manualClock(new Date(NOW).toISOString());
  const api = await createTestApi({ clock });
  try {
    const meters = simulatedFleet(contracts, seed, 'rev-', Date.UTC(2026, 8, 1));
    const t0 = performance.now();
    await createSettlementFleet({ db: api.ledger.db, clock }, meters, CONTRACT_START);
    const readings = await loadReadings(api.store, meters, FROM, NOW);
    log(
      `revenue fleet: ${contracts} contracts, ${readings} readings loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const ask = async (): Promise<number> => {
      const t = performance.now();
      const res = await api.call('GET', '/v1/billing/revenue?month=2026-11', { key: ADMIN_KEY });
      const ms = performance.now() - t;
      if (res.status !== 200)
        throw new Error(`revenue answered ${res.status}: ${JSON.stringify(res.body)}`);
      return ms;
    };
    const firstMs = await ask();
    const repeats: number[] = [];
    for (let i = 0; i < 5; i++) repeats.push(await ask());
    const repeatMs = median(repeats);
    log(
      `GET /v1/billing/revenue for ${contracts} contracts: first ${firstMs.toFixed(0)} ms (values every open bill), then ${repeatMs.toFixed(0)} ms (median of 5)`,
    );
    return Math.round(repeatMs);
  } finally {
    await api.close();
  }
}
