import type { ReadingStore } from '../../readings/reading-store.js';
import type { WindowRequest } from '../../readings/reading.js';
import type { MeterReadings } from './meter-usage.js';

/**
 * The readings one bill needs: some meters over `[from, to]`, with each meter's nearest neighbours
 * outside.
 */
export interface BillReadRequest {
  readonly key: string;
  readonly meterIds: readonly string[];
  readonly from: number;
  readonly to: number;
}

/** Meters per store round trip: big enough to amortise the round trip, small enough to stream. */
const CHUNK = 25;

/**
 * Read the readings of many bills with as few store round trips as the store allows (`windows`
 * takes each meter once per call, so two bills of one meter go to separate calls), up to
 * `concurrency` calls at a time, and hand each bill's meters to `visit` as they arrive (before and
 * after neighbours included), in no particular order. Only the calls in flight are in memory: a
 * caller that reduces each meter at once never holds a large contract's readings all together.
 */
export async function forEachBillMeter(
  store: Pick<ReadingStore, 'windows'>,
  requests: readonly BillReadRequest[],
  visit: (key: string, meter: MeterReadings) => void,
  concurrency = 2,
): Promise<void> {
  const calls: { key: string; req: WindowRequest }[][] = [];
  const open: { reqs: { key: string; req: WindowRequest }[]; meters: Set<string> }[] = [];
  for (const r of requests) {
    for (const meterId of r.meterIds) {
      let slot = open.find((c) => !c.meters.has(meterId) && c.reqs.length < CHUNK);
      if (slot === undefined) {
        slot = { reqs: [], meters: new Set() };
        open.push(slot);
      }
      slot.reqs.push({ key: r.key, req: { meterId, from: r.from, to: r.to, fields: 'registers' } });
      slot.meters.add(meterId);
      if (slot.reqs.length >= CHUNK) {
        calls.push(slot.reqs);
        open.splice(open.indexOf(slot), 1);
      }
    }
  }
  for (const c of open) calls.push(c.reqs);

  let next = 0;
  async function worker(): Promise<void> {
    while (next < calls.length) {
      const call = calls[next++];
      if (call === undefined) return;
      const windows = await store.windows(call.map((c) => c.req));
      for (const { key, req } of call) {
        const got = windows.get(req.meterId);
        const readings =
          got === undefined
            ? []
            : [
                ...(got.before === undefined ? [] : [got.before]),
                ...got.inside,
                ...(got.after === undefined ? [] : [got.after]),
              ];
        visit(key, { meterId: req.meterId, readings });
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, calls.length)) }, worker),
  );
}

/**
 * `forEachBillMeter`, collected: each bill's meters with their readings, in the order of its
 * `meterIds`.
 */
export async function readBillMeters(
  store: Pick<ReadingStore, 'windows'>,
  requests: readonly BillReadRequest[],
  concurrency = 2,
): Promise<Map<string, MeterReadings[]>> {
  const found = new Map<string, Map<string, MeterReadings>>();
  await forEachBillMeter(
    store,
    requests,
    (key, m) => {
      let bill = found.get(key);
      if (bill === undefined) found.set(key, (bill = new Map()));
      bill.set(m.meterId, m);
    },
    concurrency,
  );
  return new Map(
    requests.map((r) => [
      r.key,
      r.meterIds.map((m) => found.get(r.key)?.get(m) ?? { meterId: m, readings: [] }),
    ]),
  );
}
