import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

/** Options of {@link connectPublisher}. */
export interface PublisherOptions {
  readonly url: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /**
   * Default: `wattledger-sim-` and a random suffix, so two simulators never kick each other off.
   */
  readonly clientId?: string | undefined;
  /** Most unacknowledged publishes at a time; `publish` waits below it. Default 500. */
  readonly maxInFlight?: number | undefined;
  /** Give up connecting after this long, ms. Default 10 s. */
  readonly connectTimeoutMs?: number | undefined;
  readonly log?: ((msg: string) => void) | undefined;
}

/** Counts of a publisher's messages. */
export interface PublisherStats {
  /** Messages handed to the client. */
  readonly published: number;
  /** Messages whose PUBACK came back. */
  readonly acked: number;
  /** Messages whose publish failed (closed before the PUBACK, or refused by the client). */
  readonly failed: number;
  readonly inFlight: number;
}

/** QoS 1 publishing with a bound on unacknowledged messages. */
export interface Publisher {
  /**
   * Publish at QoS 1. Resolves once the message is handed over and fewer than `maxInFlight` are
   * unacked. Rejects (with an AbortError, message not sent) if `signal`
   * aborts while it waits for room.
   */
  publish(topic: string, payload: string, signal?: AbortSignal): Promise<void>;
  /**
   * Wait until every publish is acked or failed, at most `timeoutMs`. True when
   * nothing is left in flight.
   */
  drain(timeoutMs: number): Promise<boolean>;
  stats(): PublisherStats;
  /** Disconnect. Messages still unacked then stay unacked (counted neither acked nor failed). */
  close(): Promise<void>;
}

/** Connect to the broker (rejects when it cannot be reached) and return a {@link Publisher}. */
export async function connectPublisher(opts: PublisherOptions): Promise<Publisher> {
  const maxInFlight = opts.maxInFlight ?? 500;
  const client: MqttClient = await mqtt.connectAsync(
    opts.url,
    {
      clientId: opts.clientId ?? `wattledger-sim-${randomUUID().slice(0, 8)}`,
      username: opts.username,
      password: opts.password,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 1000,
    },
    false,
  );
  // After the first connect, errors only mean a reconnect: mqtt.js resends unacked QoS 1 messages.
  client.on('error', (e) => opts.log?.(`mqtt error: ${e.message}`));
  client.on('reconnect', () => opts.log?.('mqtt reconnecting'));

  let published = 0;
  let acked = 0;
  let failed = 0;
  let inFlight = 0;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  // Each wait leaves the signal as it found it: a long run waits for room thousands of times.
  const waitForChange = (signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });

  return {
    async publish(topic, payload, signal) {
      while (inFlight >= maxInFlight) {
        if (signal?.aborted)
          throw new DOMException('publishing aborted while waiting for PUBACKs', 'AbortError');
        await waitForChange(signal);
      }
      published += 1;
      inFlight += 1;
      client.publish(topic, payload, { qos: 1 }, (err) => {
        inFlight -= 1;
        if (err) failed += 1;
        else acked += 1;
        wake();
      });
    },
    async drain(timeoutMs) {
      if (inFlight === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      let expired = false;
      void timedOut.then(() => {
        expired = true;
        wake();
      });
      try {
        while (inFlight > 0 && !expired) await waitForChange();
      } finally {
        clearTimeout(timer);
      }
      return inFlight === 0;
    },
    stats: () => ({ published, acked, failed, inFlight }),
    async close() {
      // A clean DISCONNECT when all is acked; otherwise drop the socket rather
      // than wait on a dead broker.
      await client.endAsync(inFlight > 0 || !client.connected);
      wake();
    },
  };
}
