import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/shared/clock.js';
import {
  startInProcessBroker,
  tapReadings,
  type InProcessBroker,
  type ReadingTap,
} from './in-process-broker.js';
import type { ExchangeRequest } from './meter-events.js';
import { runSimulation } from './run-simulation.js';

const Q = 900_000;
let broker: InProcessBroker;
let tap: ReadingTap;

beforeAll(async () => {
  broker = await startInProcessBroker();
  tap = await tapReadings(broker.url, 'wattledger-sim-tap-events');
});
afterAll(async () => {
  await tap?.close();
  await broker?.close();
});

describe('an exchange in the live phase', () => {
  it('is asked for once the clock reaches it, before the new meter publishes', async () => {
    const clock = manualClock('2026-06-15T08:00:00Z');
    const start = clock.now();
    const at = start + 4 * Q;
    const until = start + 3 * 3_600_000;
    const calls: { x: ExchangeRequest; now: number; newSeen: number }[] = [];
    const run = runSimulation(
      {
        mqttUrl: broker.url,
        meters: 2,
        prefix: 'lx-',
        from: start - 3_600_000,
        until,
        seed: 3,
        pollMs: 5,
        events: [
          { kind: 'exchange', meterId: 'lx-0002', at, newMeterId: 'lx-new', startImportWh: 0 },
        ],
        exchanger: async (x) => {
          calls.push({
            x,
            now: clock.now(),
            newSeen: tap.messages.filter((m) => m.meterId === 'lx-new').length,
          });
        },
      },
      { clock },
    );
    let done = false;
    void run.finally(() => {
      done = true;
    });
    for (let i = 0; i < 10_000 && !done; i++) {
      if (clock.now() < until) clock.advance(60_000);
      await sleep(1);
    }
    const report = await run;
    expect(report.acked).toBe(report.messagesPublished);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.x).toMatchObject({ meterId: 'lx-0002', at, newMeterId: 'lx-new' });
    expect(calls[0]?.now).toBeGreaterThanOrEqual(at);
    expect(calls[0]?.newSeen).toBe(0);
    expect(report.meterEvents.exchanged).toHaveLength(1);

    const keys = [...report.expectedStored.keys()];
    const tsOf = (id: string) =>
      keys.filter((k) => k.startsWith(`${id}@`)).map((k) => Number(k.slice(id.length + 1)));
    // The old meter's readings end at its final index, the new one's begin at its start index.
    expect(Math.max(...tsOf('lx-0002'))).toBe(at);
    expect(report.expectedStored.get(`lx-0002@${at - Q}`)).toBeDefined();
    expect(Math.min(...tsOf('lx-new'))).toBe(at);
    expect(report.expectedStored.get(`lx-new@${at + Q}`)).toBeDefined();
    expect(report.expectedStored.get(`lx-new@${at}`)).toMatchObject({ importWh: 0 });
    expect(Math.max(...tsOf('lx-new'))).toBe(until);
  });

  it('refuses to start without a way to make it', async () => {
    await expect(
      runSimulation(
        {
          mqttUrl: broker.url,
          meters: 1,
          prefix: 'nx-',
          from: Date.UTC(2026, 5, 1),
          until: Date.UTC(2026, 5, 2),
          events: [
            {
              kind: 'exchange',
              meterId: 'nx-0001',
              at: Date.UTC(2026, 5, 1, 12),
              newMeterId: 'nx-2',
              startImportWh: 0,
            },
          ],
        },
        { clock: manualClock('2026-06-03T00:00:00Z') },
      ),
    ).rejects.toThrow(/exchanger/);
  });
});
