import mqtt, { type MqttClient } from 'mqtt';
import { meterPassword } from '../../src/broker/mosquitto-auth.js';

export interface PlainReading {
  readonly meterId: string;
  readonly ts: number;
  readonly importWh: number;
  readonly exportWh?: number;
  readonly powerW?: number;
}

/** `meterId@ts`: the identity of a reading. */
export const keyOf = (r: { meterId: string; ts: number }) => `${r.meterId}@${r.ts}`;

/**
 * `count` readings per meter, 15 minutes apart, the last at or before `end`,
 * registers rising from `base`.
 */
export function readingSeries(
  meterIds: readonly string[],
  count: number,
  end = Date.now() - 60_000,
  base = 0,
): PlainReading[] {
  const step = 15 * 60_000;
  const first = Math.floor(end / step) * step - (count - 1) * step;
  const out: PlainReading[] = [];
  for (let i = 0; i < count; i += 1) {
    for (const [m, meterId] of meterIds.entries())
      out.push({
        meterId,
        ts: first + i * step,
        importWh: 1_000_000 + base + m * 10 + i * 150,
        exportWh: 0,
        powerW: 600 + (i % 7),
      });
  }
  return out;
}

/** Wire form of a reading, as a meter sends it. */
export function wire(r: PlainReading): string {
  return JSON.stringify({
    ts: new Date(r.ts).toISOString(),
    importWh: r.importWh,
    exportWh: r.exportWh,
    powerW: r.powerW,
  });
}

/**
 * The meter password secret every {@link startInstance} gets unless a test sets its own, so a test
 * can derive any meter's MQTT password.
 */
export const TEST_METER_SECRET = 'wattledger-test-meter-secret-0123456789abcdef';

/** A meter's login on a broker that checks passwords derived from `secret`. */
export const meterLogin = (meterId: string, secret = TEST_METER_SECRET) => ({
  username: meterId,
  password: meterPassword(secret, meterId),
});

/** An MQTT publisher that remembers which publishes the broker acknowledged (PUBACK). */
export interface TestPublisher {
  /** Publish QoS 1 and resolve on PUBACK (rejects if the connection drops before it). */
  publish(topic: string, payload: string | Buffer): Promise<void>;
  /**
   * Publish each reading as its own message, at most `window` unacknowledged;
   * returns the acknowledged ones.
   */
  publishReadings(
    readings: readonly PlainReading[],
    opts?: { window?: number; stopWhen?: () => boolean },
  ): Promise<PlainReading[]>;
  close(): Promise<void>;
}

const connectClient = (url: string, clientId: string, login?: ReturnType<typeof meterLogin>) =>
  mqtt.connectAsync(url, {
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 200,
    connectTimeout: 10_000,
    ...login,
  });

/**
 * A QoS 1 test publisher. Without `meterSecret`, one anonymous connection publishes for every meter;
 * with it (a broker that checks meters' passwords, like the embedded one), each meter publishes
 * over its own connection, logged in as itself, opened on its first message.
 */
export async function connectPublisher(
  url: string,
  clientId = `test-pub-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  meterSecret?: string,
): Promise<TestPublisher> {
  const clients = new Map<string, Promise<MqttClient>>();
  const clientFor = (topic: string): Promise<MqttClient> => {
    const meterId = meterSecret === undefined ? '' : (topic.split('/')[1] ?? '');
    let c = clients.get(meterId);
    if (c === undefined) {
      c =
        meterSecret === undefined
          ? connectClient(url, clientId)
          : connectClient(url, `${clientId}-${meterId}`, meterLogin(meterId, meterSecret));
      clients.set(meterId, c);
    }
    return c;
  };
  // Without per-meter logins, connect at once so that an unreachable broker fails here.
  if (meterSecret === undefined) await clientFor('');
  const publish = async (topic: string, payload: string | Buffer) => {
    const client = await clientFor(topic);
    await new Promise<void>((resolve, reject) =>
      client.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
    );
  };
  return {
    publish,
    async publishReadings(readings, opts = {}) {
      const window = opts.window ?? 200;
      const acked: PlainReading[] = [];
      const inflight = new Set<Promise<void>>();
      for (const r of readings) {
        if (opts.stopWhen?.()) break;
        const p = publish(`meters/${r.meterId}/readings`, wire(r)).then(
          () => void acked.push(r),
          () => undefined, // not acknowledged: the test may not count on it
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        if (inflight.size >= window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      return acked;
    },
    async close() {
      const all = await Promise.allSettled(clients.values());
      await Promise.all(all.flatMap((r) => (r.status === 'fulfilled' ? [r.value.endAsync()] : [])));
    },
  };
}
