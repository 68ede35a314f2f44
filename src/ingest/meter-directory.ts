import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger/schema.js';
import type { Clock } from '../shared/clock.js';
import { TtlCache } from '../shared/ttl-cache.js';
import type { Meter } from '../fleet/meter.js';
import { findMeters } from '../fleet/meters-repo.js';

/**
 * Meters by id for ingest, cached so a batch costs at most one ledger query for the ids it has not
 * seen lately. Known meters are re-read every `ttlMs` (installation time or maximum power may
 * change); unknown ids are remembered (as null) for `negativeTtlMs`, so a flood from an
 * unregistered meter cannot hammer the ledger, while a meter registered a moment ago is accepted
 * soon after.
 */
export function createMeterDirectory(
  db: Kysely<LedgerDatabase>,
  clock: Clock,
  ttlMs = 60_000,
  negativeTtlMs = 5_000,
) {
  // No bound: one entry per id ingest hears, and starting over would send a whole fleet's ids to
  // the ledger at once.
  const cache = new TtlCache<string, Meter | null>({
    ttlMs,
    max: Number.POSITIVE_INFINITY,
    clock,
  });
  return {
    async resolve(ids: Iterable<string>): Promise<Map<string, Meter | undefined>> {
      const out = new Map<string, Meter | undefined>();
      const missing: string[] = [];
      for (const id of ids) {
        const hit = cache.get(id);
        if (hit !== undefined) out.set(id, hit ?? undefined);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const found = new Map((await findMeters(db, missing)).map((m) => [m.id, m]));
        for (const id of missing) {
          const meter = found.get(id);
          if (meter === undefined) cache.set(id, null, negativeTtlMs);
          else cache.set(id, meter);
          out.set(id, meter);
        }
      }
      return out;
    },
    /** Forget cached entries, e.g. after a meter was added in this process. */
    invalidate(id?: string) {
      if (id === undefined) cache.clear();
      else cache.delete(id);
    },
  };
}

export type MeterDirectory = ReturnType<typeof createMeterDirectory>;
