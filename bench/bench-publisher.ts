import mqtt, { type MqttClient } from 'mqtt';
import { meterPassword } from '../src/broker/mosquitto-auth.js';

const meterOf = (topic: string): string => topic.split('/')[1] ?? '';

export interface BenchMessage {
  readonly topic: string;
  readonly payload: string;
}

/**
 * `perMeter` readings for each of `meters` meters, one reading per message, 15 minutes
 * apart, ending a minute ago.
 */
export function benchMessages(meterIds: readonly string[], perMeter: number): BenchMessage[] {
  const step = 15 * 60_000;
  const first = Math.floor((Date.now() - 60_000) / step) * step - (perMeter - 1) * step;
  const out: BenchMessage[] = [];
  for (let i = 0; i < perMeter; i += 1) {
    for (const [m, id] of meterIds.entries()) {
      out.push({
        topic: `meters/${id}/readings`,
        payload: JSON.stringify({
          ts: new Date(first + i * step).toISOString(),
          importWh: 5_000_000 + m * 7 + i * 180,
          exportWh: 0,
          powerW: 720.5,
        }),
      });
    }
  }
  return out;
}

/**
 * Publish every message at QoS 1 as fast as the broker acknowledges, with at most
 * `window` in flight. The same publisher drives every measurement of the benchmark.
 * Resolves with the wall time it took.
 */
export async function publishAll(
  url: string,
  messages: readonly BenchMessage[],
  window = 1000,
  meterSecret?: string,
): Promise<number> {
  // With `meterSecret`, each meter publishes over its own connection, logged in as itself, as
  // the embedded broker requires; otherwise one anonymous connection sends for all.
  const clients = new Map<string, MqttClient>();
  const clientId = `bench-pub-${process.pid}-${Date.now()}`;
  const ids =
    meterSecret === undefined ? [''] : [...new Set(messages.map((m) => meterOf(m.topic)))];
  for (const id of ids)
    clients.set(
      id,
      await mqtt.connectAsync(url, {
        clientId: id === '' ? clientId : `${clientId}-${id}`,
        protocolVersion: 4,
        ...(meterSecret === undefined
          ? {}
          : { username: id, password: meterPassword(meterSecret, id) }),
      }),
    );
  const clientOf = (topic: string): MqttClient =>
    clients.get(meterSecret === undefined ? '' : meterOf(topic)) as MqttClient;
  const started = performance.now();
  let inflight = 0;
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (inflight < window && next < messages.length) {
        const m = messages[next++]!;
        inflight += 1;
        clientOf(m.topic).publish(m.topic, m.payload, { qos: 1 }, (err) => {
          if (err) return reject(err);
          inflight -= 1;
          if (next === messages.length && inflight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const elapsed = performance.now() - started;
  await Promise.all([...clients.values()].map((c) => c.endAsync()));
  return elapsed;
}

/**
 * Discard the persistent session the broker keeps for `clientId` once its subscriber is gone: the
 * broker would otherwise queue (and then drop) every later message on its topics for it, work
 * that would weigh on the runs after it and not on the first.
 */
export async function dropSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await client.endAsync();
}
