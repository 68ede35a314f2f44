import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../src/shared/clock.js';
import { startInProcessBroker, tapReadings } from './in-process-broker.js';
import { connectPublisher } from './publisher.js';
import { runSimulation } from './run-simulation.js';

describe('publisher', () => {
  it('counts PUBACKs and keeps at most maxInFlight unacked', async () => {
    const broker = await startInProcessBroker();
    const tap = await tapReadings(broker.url, 'publisher-test-tap');
    try {
      const pub = await connectPublisher({ url: broker.url, maxInFlight: 3 });
      let maxSeen = 0;
      for (let i = 0; i < 200; i++) {
        await pub.publish('meters/p-1/readings', JSON.stringify({ ts: i, importWh: i }));
        maxSeen = Math.max(maxSeen, pub.stats().inFlight);
      }
      expect(await pub.drain(30_000)).toBe(true);
      expect(maxSeen).toBeLessThanOrEqual(3);
      expect(pub.stats()).toEqual({ published: 200, acked: 200, failed: 0, inFlight: 0 });
      await pub.close();
      const deadline = Date.now() + 30_000;
      while (tap.messages.length < 200 && Date.now() < deadline) await sleep(10);
      expect(tap.messages.map((m) => JSON.parse(m.payload).ts)).toEqual(
        Array.from({ length: 200 }, (_, i) => i),
      );
    } finally {
      await tap.close();
      await broker.close();
    }
  });

  it('gives up on a broker that never acks: bounded drain, abortable wait, a report all the same', async () => {
    // authorizePublish never answers: the broker neither forwards nor acks anything.
    let onPublish = () => undefined as void;
    const silent = await startInProcessBroker({ authorizePublish: () => onPublish() });
    try {
      const pub = await connectPublisher({ url: silent.url, maxInFlight: 2 });
      await pub.publish('meters/p-1/readings', '{}');
      await pub.publish('meters/p-1/readings', '{}');
      const controller = new AbortController();
      const blocked = pub.publish('meters/p-1/readings', '{}', controller.signal);
      controller.abort();
      await expect(blocked).rejects.toMatchObject({ name: 'AbortError' });
      expect(await pub.drain(50)).toBe(false);
      expect(pub.stats()).toMatchObject({ published: 2, acked: 0, inFlight: 2 });
      await pub.close();

      // A one-day backlog at 1 min is two arrays per meter; the third publish waits
      // for room, then the abort.
      const clock = manualClock('2026-05-01T00:00:00Z');
      const stop = new AbortController();
      let arrived = 0;
      onPublish = () => {
        if (++arrived === 2) stop.abort();
      };
      const report = await runSimulation(
        {
          mqttUrl: silent.url,
          meters: 2,
          interval: '1m',
          from: clock.now() - 86_400_000,
          maxInFlight: 2,
          drainTimeoutMs: 50,
          signal: stop.signal,
        },
        { clock },
      );
      expect(report).toMatchObject({
        messagesPublished: 2,
        readingsPublished: 2000,
        acked: 0,
        unacked: 2,
      });
      expect(report.expectedStored.size).toBe(2000);
    } finally {
      await silent.close();
    }
  });
});
