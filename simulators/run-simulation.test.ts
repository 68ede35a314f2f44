import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/shared/clock.js';
import { CLOCK_SKEW_MS } from './faults.js';
import { FAULT_KINDS, type FaultRates } from './injected-faults.js';
import {
  startInProcessBroker,
  tapReadings,
  type InProcessBroker,
  type ReadingTap,
  type TappedMessage,
} from './in-process-broker.js';
import { runSimulation } from './run-simulation.js';
import type { SimulationReport } from './simulation-report.js';
import { decodePayload, type DecodedReading } from './wire-check.js';
import { readingKey } from './wire-format.js';

let broker: InProcessBroker;
let tap: ReadingTap;
let url: string;

beforeAll(async () => {
  broker = await startInProcessBroker();
  url = broker.url;
  tap = await tapReadings(url);
});

afterAll(async () => {
  await tap?.close();
  await broker?.close();
});

/** Wait (bounded) until the subscriber holds as many messages as the report says were published. */
async function receivedAll(report: SimulationReport): Promise<TappedMessage[]> {
  const deadline = Date.now() + 30_000;
  while (tap.messages.length < report.messagesPublished && Date.now() < deadline) await sleep(20);
  return tap.take();
}

type Arrival = { readonly meterId: string; readonly r: DecodedReading };

/**
 * Split what arrived into valid readings (in arrival order) and faulty payloads,
 * checked against the report.
 */
function reconcile(
  report: SimulationReport,
  got: readonly TappedMessage[],
): { arrivals: Arrival[]; arrays: number[] } {
  expect(got).toHaveLength(report.messagesPublished);
  const faulty = new Map<string, number>();
  for (const f of report.faults.injected.filter((x) => x.expectedReason !== undefined)) {
    faulty.set(`${f.meterId} ${f.payload}`, (faulty.get(`${f.meterId} ${f.payload}`) ?? 0) + 1);
    if (f.key !== undefined) expect(report.expectedStored.has(f.key)).toBe(false);
  }
  expect([...faulty.values()].reduce((a, b) => a + b, 0)).toBe(report.rejectsPublished);
  const arrivals: Arrival[] = [];
  const arrays: number[] = [];
  let rejects = 0;
  for (const m of got) {
    const k = `${m.meterId} ${m.payload}`;
    const left = faulty.get(k) ?? 0;
    if (left > 0) {
      faulty.set(k, left - 1);
      rejects += 1;
      continue;
    }
    const d = decodePayload(m.payload);
    if (!d.ok) throw new Error(`unexpected invalid message ${m.payload.slice(0, 200)}`);
    if (d.array) arrays.push(d.readings.length);
    for (const r of d.readings) arrivals.push({ meterId: m.meterId, r });
  }
  expect(rejects).toBe(report.rejectsPublished);
  expect(arrivals).toHaveLength(report.readingsPublished);
  // Every valid reading sent is one the receiver must store, and every one expected arrived.
  const keys = new Set<string>();
  for (const { meterId, r } of arrivals) {
    const key = readingKey(meterId, r.ts);
    keys.add(key);
    const want = report.expectedStored.get(key);
    expect(
      want && {
        ts: want.ts,
        importWh: want.importWh,
        exportWh: want.exportWh,
        powerW: want.powerW,
      },
    ).toEqual(r);
  }
  expect(keys.size).toBe(report.expectedStored.size);
  return { arrivals, arrays };
}

const allFaults = (rate: number): FaultRates =>
  Object.fromEntries(FAULT_KINDS.map((k) => [k, rate]));

describe('runSimulation against an in-process broker', () => {
  it('sends a two-day backlog in arrays of at most 1000, with every fault accounted for', async () => {
    const clock = manualClock('2026-11-29T12:07:30Z');
    const now = clock.now();
    const report = await runSimulation(
      {
        mqttUrl: url,
        meters: 5,
        interval: '1m',
        from: now - 2 * 86_400_000,
        until: now,
        seed: 7,
        faults: allFaults(0.003),
      },
      { clock },
    );
    const got = await receivedAll(report);
    const { arrivals, arrays } = reconcile(report, got);

    expect(report).toMatchObject({
      acked: report.messagesPublished,
      failed: 0,
      unacked: 0,
      meters: 5,
      intervalMs: 60_000,
    });
    expect(report.simulated).toEqual({ from: now - 2 * 86_400_000 - 30_000, to: now - 30_000 });
    expect(report.expectedStored.size).toBe(5 * (2 * 24 * 60 + 1));
    expect(Math.max(...arrays)).toBe(1000);
    expect(report.maxArrayLength).toBe(1000);
    expect(arrays).toHaveLength(report.arrayMessages);
    // Catch-up only: every valid reading travelled in an array.
    expect(got.length - report.rejectsPublished).toBe(report.arrayMessages);
    for (const kind of FAULT_KINDS) expect(report.faults.counts[kind]).toBeGreaterThan(0);

    const byMeter = (id: string) => arrivals.filter((a) => a.meterId === id).map((a) => a.r);
    for (const f of report.faults.injected) {
      const seq = byMeter(f.meterId);
      const firstAt = seq.findIndex((r) => r.ts === f.ts);
      const maxBefore = Math.max(...seq.slice(0, firstAt).map((r) => r.ts));
      switch (f.kind) {
        case 'duplicate':
          expect(seq.filter((r) => r.ts === f.ts).length).toBeGreaterThanOrEqual(2);
          break;
        case 'outOfOrder':
        case 'late':
          if (f.ts !== report.simulated.to) expect(maxBefore).toBeGreaterThan(f.ts ?? Infinity);
          break;
        case 'malformed': {
          const d = decodePayload(f.payload ?? '');
          expect(d.ok ? 'ok' : d.reason).toBe(f.expectedReason);
          break;
        }
        case 'clockSkew':
          expect((f.ts ?? 0) - now).toBeGreaterThanOrEqual(CLOCK_SKEW_MS - 1000);
          break;
        case 'registerDecrease': {
          const d = decodePayload(f.payload ?? '');
          const bad = d.ok ? d.readings[0] : undefined;
          // Among the readings that arrived before it, the one just before
          // its ts has a higher index.
          const at = got.findIndex((m) => m.meterId === f.meterId && m.payload === f.payload);
          const before = got.slice(0, at).flatMap((m) => {
            const dm = m.meterId === f.meterId ? decodePayload(m.payload) : undefined;
            return dm?.ok ? dm.readings.filter((r) => r.ts < (bad?.ts ?? 0)) : [];
          });
          const previous = before.reduce((a, b) => (b.ts > a.ts ? b : a));
          expect((bad?.ts ?? 0) - previous.ts).toBe(60_000 / 2);
          expect(bad?.importWh).toBeLessThan(previous.importWh);
          break;
        }
      }
    }
  });

  it('runs live on the injected clock, one reading per message, with outages ending in backlogs', async () => {
    const clock = manualClock('2026-06-15T08:00:00Z');
    const start = clock.now();
    const until = start + 8 * 3_600_000;
    const run = runSimulation(
      {
        mqttUrl: url,
        meters: 5,
        from: start - 3_600_000,
        until,
        seed: 3,
        outageRate: 0.05,
        faults: { duplicate: 0.05, clockSkew: 0.02 },
        pollMs: 5,
      },
      { clock },
    );
    let done = false;
    void run.finally(() => {
      done = true;
    });
    // The catch-up (07:00 to 08:00) first, on a still clock: one array per meter.
    const deadline = Date.now() + 30_000;
    while (tap.messages.length < 5 && Date.now() < deadline) await sleep(5);
    // Then move the clock a minute at a time; how fast the loop keeps up
    // does not change what is sent.
    for (let i = 0; i < 10_000 && !done; i++) {
      if (clock.now() < until) clock.advance(60_000);
      await sleep(1);
    }
    const report = await run;
    const got = await receivedAll(report);
    const { arrivals } = reconcile(report, got);

    expect(report.acked).toBe(report.messagesPublished);
    expect(report.simulated.to).toBe(until);
    expect(report.expectedStored.size).toBe(5 * (9 * 4 + 1));
    expect(report.outages).toBeGreaterThan(0);
    // Live readings went one per message; arrays are the first catch-up and the ends of outages.
    const singles = got.filter((m) => !m.payload.startsWith('['));
    const outageArrays = report.arrayMessages - 5;
    expect(outageArrays).toBeGreaterThan(0);
    expect(singles.length - report.rejectsPublished).toBeGreaterThan(50);
    const catchUp = got.flatMap((m) => {
      const d = m.payload.startsWith('[') ? decodePayload(m.payload) : undefined;
      return d?.ok && d.readings.every((r) => r.ts <= start) ? [d.readings.length] : [];
    });
    expect(catchUp).toHaveLength(5);
    for (const n of catchUp) expect(n).toBeGreaterThanOrEqual(5);
    expect(new Set(arrivals.map((a) => a.meterId)).size).toBe(5);
  });

  it('stops on abort after sending what it held, and fails fast without a broker', async () => {
    const clock = manualClock('2026-03-01T00:00:00Z');
    const controller = new AbortController();
    const run = runSimulation(
      {
        mqttUrl: url,
        meters: 3,
        from: clock.now() - 6 * 3_600_000,
        seed: 5,
        faults: { late: 0.2, outOfOrder: 0.2 },
        signal: controller.signal,
        pollMs: 5,
      },
      { clock },
    );
    const deadline = Date.now() + 30_000;
    while (tap.messages.length < 3 && Date.now() < deadline) await sleep(10);
    controller.abort();
    const report = await run;
    const got = await receivedAll(report);
    reconcile(report, got);
    expect(report.expectedStored.size).toBe(3 * (6 * 4 + 1));
    expect(report.acked).toBe(report.messagesPublished);

    const gone = await startInProcessBroker();
    await gone.close();
    await expect(
      runSimulation({ mqttUrl: gone.url, meters: 1, until: clock.now() }, { clock }),
    ).rejects.toThrow();
  });
});
