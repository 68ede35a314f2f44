import type { ReadingStore } from '../../readings/reading-store.js';
import type { WindowRequest } from '../../readings/reading.js';
import type { MeterReadings } from './meter-usage.js';

/** The readings one bill needs: some meters over `[from, to]`, with each meter's nearest neighbours outside. */
export interface BillReadRequest {
  readonly key: string;
  readonly meterIds: readonly string[];
  readonly from: number;
  readonly to: number;
}

/** Meters per store round trip: big enough to amortise the round trip, small enough to stream. */
const CHUNK = 25;

/**
 * Read the readings of many bills with as few store round trips as the store allows (`windows` takes
 * each meter once per call, so two bills of one meter go to separate calls), up to `concurrency` calls
 * at a time. Answers each bill's meters with their readings, before and after neighbours included.
 */
export async function readBillMeters(store: Pick<ReadingStore, 'windows'>, requests: readonly BillReadRequest[], concurrency = 2): Promise<Map<string, MeterReadings[]>> {
  const calls: WindowRequest[][] = [];
  const open: { reqs: WindowRequest[]; meters: Set<string> }[] = [];
  for (const r of requests) {
    for (const meterId of r.meterIds) {
      let slot = open.find((c) => !c.meters.has(meterId) && c.reqs.length < CHUNK);
      if (slot === undefined) {
        slot = { reqs: [], meters: new Set() };
        open.push(slot);
      }
      slot.reqs.push({ meterId, from: r.from, to: r.to, fields: 'registers' });
      slot.meters.add(meterId);
      if (slot.reqs.length >= CHUNK) {
        calls.push(slot.reqs);
        open.splice(open.indexOf(slot), 1);
      }
    }
  }
  for (const c of open) calls.push(c.reqs);

  const found = new Map<string, MeterReadings>();
  const keyOf = (meterId: string, from: number, to: number) => `${meterId}\u0000${from}\u0000${to}`;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < calls.length) {
      const call = calls[next++];
      if (call === undefined) return;
      const windows = await store.windows(call);
      for (const w of call) {
        const got = windows.get(w.meterId);
        const readings = got === undefined ? [] : [...(got.before === undefined ? [] : [got.before]), ...got.inside, ...(got.after === undefined ? [] : [got.after])];
        found.set(keyOf(w.meterId, w.from, w.to), { meterId: w.meterId, readings });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, calls.length)) }, worker));
  return new Map(requests.map((r) => [r.key, r.meterIds.map((m) => found.get(keyOf(m, r.from, r.to)) ?? { meterId: m, readings: [] })]));
}
