import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.js';
import { PUBACKS_PER_WRITE, startSubscriber, type Subscriber } from './mqtt-subscriber.js';

/** An MQTT 3.1.1 PUBACK on the wire: fixed header, remaining length, message id. */
const PUBACK_BYTES = 4;

/** Resolves once `check` holds, polled on the event loop (no fixed sleep). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('the ingest subscriber', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function broker(): Promise<string> {
    const aedes = await Aedes.createBroker();
    const server: Server = createServer(aedes.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    });
    return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('holds a bounded number of acknowledgements in its socket under a burst, and sends every one', async () => {
    const url = await broker();
    let received = 0;
    let mostBuffered = 0;
    const sub: Subscriber = startSubscriber(
      { url, clientId: 'sub-test', protocolVersion: 4, sessionExpirySeconds: 60 },
      () => {
        received += 1;
        // Bytes written but not yet handed to the socket: the PUBACKs held by the cork.
        mostBuffered = Math.max(mostBuffered, sub.client.stream.writableLength);
      },
      createLogger('silent'),
    );
    cleanups.push(() => sub.close());
    await until(() => sub.connected());

    const pub = await mqtt.connectAsync(url, { clientId: 'pub-test', protocolVersion: 4 });
    cleanups.push(() => pub.endAsync());
    const n = 2_000;
    // A burst: the subscriber reads nothing until every message waits on its socket, then reads
    // them in one go.
    sub.client.stream.pause();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        pub.publishAsync(`meters/m-${i % 10}/readings`, `{"i":${i}}`, { qos: 1 }),
      ),
    );
    sub.client.stream.resume();
    await until(() => received === n && sub.client.stream.writableLength === 0);
    expect(mostBuffered).toBeGreaterThan(0);
    // A batch being written and the next one held, at most (uncorking only when the event loop
    // turned held the PUBACKs of the whole socket read here: about 900).
    expect(mostBuffered).toBeLessThanOrEqual(2 * PUBACKS_PER_WRITE * PUBACK_BYTES);
  });
});
