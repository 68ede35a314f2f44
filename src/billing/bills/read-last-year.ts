import { indexAt, registerSeries } from '../../consumption/meter-index.js';
import { sortedReadings } from '../../consumption/sorted-readings.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import type { Reading, WindowRequest } from '../../readings/reading.js';
import type { SeasonalFactors } from '../estimate/recent-projection.js';
import {
  type LastYearWindows,
  seasonalFactors,
  windowEdges,
} from '../estimate/seasonal-factors.js';

/** The seasonal correction one bill asks for: its meters and last year's windows. */
export interface LastYearRequest {
  readonly key: string;
  readonly meterIds: readonly string[];
  readonly windows: LastYearWindows;
}

/** Meters per store call: the answers are a reading or three per meter. */
const CHUNK = 200;

/**
 * Each bill's meters' seasonal factors (undefined for a meter without readings a year back), from
 * the indexes at the four edges of last year's windows: one store call per distinct instant (and
 * per 200 meters), whatever the number of bills, since bills of one zone and consent share their
 * instants. Only the readings next to each instant are read, never last year's curve.
 */
export async function readLastYear(
  store: Pick<ReadingStore, 'windows'>,
  requests: readonly LastYearRequest[],
): Promise<Map<string, Map<string, SeasonalFactors | undefined>>> {
  const byInstant = new Map<number, Set<string>>();
  for (const r of requests)
    for (const t of windowEdges(r.windows)) {
      const meters = byInstant.get(t) ?? new Set<string>();
      for (const m of r.meterIds) meters.add(m);
      byInstant.set(t, meters);
    }
  const near = new Map<string, Reading[]>();
  const keyOf = (meterId: string, t: number) => `${meterId}\u0000${t}`;
  for (const [t, meters] of byInstant) {
    const ids = [...meters];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const reqs: WindowRequest[] = ids
        .slice(i, i + CHUNK)
        .map((meterId) => ({ meterId, from: t, to: t, fields: 'registers' }));
      const got = await store.windows(reqs);
      for (const [meterId, w] of got)
        near.set(keyOf(meterId, t), [
          ...(w.before === undefined ? [] : [w.before]),
          ...w.inside,
          ...(w.after === undefined ? [] : [w.after]),
        ]);
    }
  }
  return new Map(
    requests.map((r) => [
      r.key,
      new Map(
        r.meterIds.map((m) => [
          m,
          seasonalFactors(r.windows, (t) =>
            indexAt(registerSeries(sortedReadings(near.get(keyOf(m, t)) ?? [])), t),
          ),
        ]),
      ),
    ]),
  );
}
