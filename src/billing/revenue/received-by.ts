import type { Reading, ReadingWindow } from '../../readings/reading.js';
import type { ReadingStore } from '../../readings/reading-store.js';

/**
 * The readings store as it stood at `at`: only readings received by then (`receivedAt <= at`), so
 * a bill priced through it is the bill that could have been priced at `at`, whatever arrived later.
 * Asks the store for every field, since a store may answer `receivedAt` as `ts` when only the
 * registers are asked for. A window's nearest neighbour outside that arrived later is dropped, not
 * replaced by the next one that had arrived: an index that needed it reads as unknown, as the
 * estimate's projection or a held period then treated it.
 */
export function receivedBy(
  store: Pick<ReadingStore, 'windows'>,
  at: number,
): Pick<ReadingStore, 'windows'> {
  const known = (r: Reading | undefined) => (r !== undefined && r.receivedAt <= at ? r : undefined);
  return {
    async windows(requests) {
      const got = await store.windows(requests.map((r) => ({ ...r, fields: 'all' })));
      const out = new Map<string, ReadingWindow>();
      for (const [meterId, w] of got)
        out.set(meterId, {
          before: known(w.before),
          inside: w.inside.filter((r) => r.receivedAt <= at),
          after: known(w.after),
        });
      return out;
    },
  };
}
