import mqtt, { type MqttClient } from 'mqtt';

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

/** An MQTT publisher that remembers which publishes the broker acknowledged (PUBACK). */
export interface TestPublisher {
  readonly client: MqttClient;
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

export async function connectPublisher(
  url: string,
  clientId = `test-pub-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
): Promise<TestPublisher> {
  const client = await mqtt.connectAsync(url, {
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 200,
    connectTimeout: 10_000,
  });
  const publish = (topic: string, payload: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      client.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
    );
  return {
    client,
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
    close: () => client.endAsync(),
  };
}
