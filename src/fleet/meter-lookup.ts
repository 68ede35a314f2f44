import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { Clock } from '../shared/clock.js';
import { TtlCache } from '../shared/ttl-cache.js';
import { findMeterAccess, type MeterAccess, visibleMeter } from './meters-repo.js';
import type { Visibility } from './visibility.js';

/** How long an API process answers a meter's contract, zone and consent from memory. */
export const METER_LOOKUP_TTL_MS = 5_000;

/** `getMeter` for the read paths of the API, remembered for a few seconds. */
export interface MeterLookup {
  /** The meter `id` if `v` may see it, else AppError `not_found` (see `getMeter`). */
  get(v: Visibility, id: string): Promise<MeterAccess>;
  /** Forget every answer: a consent changed in this process. */
  forget(): void;
}

/**
 * Every consumption request needs its meter's customer, zone and consent, and asking the ledger
 * each time was the largest single cost of a request served from the readings cache. Found meters
 * are remembered for `METER_LOOKUP_TTL_MS`; absent ones are not, so a meter registered a moment ago
 * is found at once and probing ids fills nothing. The process that changes a consent forgets at
 * once; another API process applies the change within the TTL (docs/operations.md).
 */
export function meterLookup(
  deps: { readonly db: Kysely<LedgerDatabase>; readonly clock: Clock },
  ttlMs = METER_LOOKUP_TTL_MS,
): MeterLookup {
  const cache = new TtlCache<string, MeterAccess>({ ttlMs, max: 100_000, clock: deps.clock });
  // A query that began before `forget()` may have read the old consent: its answer is not kept.
  let generation = 0;
  return {
    async get(v, id) {
      let m = cache.get(id);
      if (m === undefined) {
        const asked = generation;
        m = await findMeterAccess(deps.db, id);
        if (m !== undefined && asked === generation) cache.set(id, m);
      }
      return visibleMeter(v, id, m);
    },
    forget() {
      generation += 1;
      cache.clear();
    },
  };
}
