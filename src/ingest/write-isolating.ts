import type { Reading } from '../readings/reading.js';
import { StoreWriteError, type ReadingStore } from '../readings/reading-store.js';

export interface RefusedReading {
  readonly reading: Reading;
  readonly message: string;
}

/**
 * Write a batch; when the store refuses it as bad data (4xx), split it in halves until the refused
 * readings are isolated, so one bad point cannot block or take down its 4,999 neighbours. Retryable
 * errors (outages) propagate: the caller keeps the batch in the spool and retries it whole.
 */
export async function writeIsolating(
  store: ReadingStore,
  readings: readonly Reading[],
): Promise<RefusedReading[]> {
  if (readings.length === 0) return [];
  try {
    await store.writeBatch(readings);
    return [];
  } catch (e) {
    if (!(e instanceof StoreWriteError) || e.retryable) throw e;
    if (readings.length === 1) return [{ reading: readings[0]!, message: e.message }];
    const mid = readings.length >> 1;
    return [
      ...(await writeIsolating(store, readings.slice(0, mid))),
      ...(await writeIsolating(store, readings.slice(mid))),
    ];
  }
}
