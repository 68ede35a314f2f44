import type { Reading } from '../readings/reading.js';
import type { ReadingStore } from '../readings/reading-store.js';

/** Store queries in flight at once while recovering markers: a restart asks for many meters. */
const CONCURRENCY = 8;

/** How many readings past the first one after a span's start are looked at for a marker. */
const MAX_HOPS = 3;

/**
 * For each meter, the device's counter marker (`span.counterStart`) in force at its stored reading
 * at `ts`, which does not store it. The store holds the marker only where it changed or a span
 * began (`storedCounterStart`): so it is that of the newest counter event up to `ts` that holds
 * one, or else, after the meter's installation reading (an exchange) or its very first reading,
 * that of the first reading that holds one. Meters with none found are left out: their next
 * reading is compared without a marker and stores its own. Called when no memory of the meter
 * holds the marker (a restart, a late reading, a process that shares its meters).
 */
export async function counterStartsBefore(
  store: ReadingStore,
  at: ReadonlyMap<string, number>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const from = new Map<string, number>();
  await inTurns([...at], async ([meterId, ts]) => {
    const events = await store.counterEvents(meterId, Number.MIN_SAFE_INTEGER, ts);
    for (let i = events.length - 1; i >= 0; i -= 1) {
      const span = events[i]!.span;
      if (span?.counterStart !== undefined) {
        found.set(meterId, span.counterStart);
        return;
      }
      // A new meter begins here: markers before it were another device's.
      if (span?.event === 'installed') {
        from.set(meterId, events[i]!.ts);
        return;
      }
    }
    from.set(meterId, Number.MIN_SAFE_INTEGER);
  });
  // The first reading from each base, all meters in one request, then a few readings on for those
  // whose first reading holds none (a reading a person took before the device's first).
  let pending = [...from].map(([meterId, base]) => ({ meterId, from: base, to: base }));
  for (let hop = 0; hop <= MAX_HOPS && pending.length > 0; hop += 1) {
    const windows = await store.windows(pending);
    const next: typeof pending = [];
    for (const { meterId } of pending) {
      const w = windows.get(meterId);
      const first: Reading | undefined = w?.inside[0] ?? w?.after;
      if (first === undefined || first.ts >= at.get(meterId)!) continue;
      const marker = first.span?.counterStart;
      if (marker !== undefined) found.set(meterId, marker);
      else next.push({ meterId, from: first.ts + 1, to: first.ts + 1 });
    }
    pending = next;
  }
  return found;
}

/** Run `task` over `items`, at most CONCURRENCY at a time. */
async function inTurns<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
