import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from '../shared/logger.js';
import { isIngestTopic } from '../ingest/topic.js';

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  connectedClients(): number;
  close(): Promise<void>;
}

/**
 * The embedded default broker: aedes in-process (MQTT 3.1.1). aedes keeps sessions in memory, so
 * instead of a second hop through a subscriber, readings are handed to ingest in
 * `authorizePublish`, which runs before aedes sends the publisher its PUBACK: a publisher's PUBACK
 * still means "durable in the spool", even though the broker's own state would not survive a crash.
 */
export async function startEmbeddedBroker(
  opts: { host: string; port: number },
  onReading: (topic: string, payload: Buffer) => void,
  log: Logger,
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    authorizePublish(client, packet, callback) {
      if (client === null || !isIngestTopic(packet.topic)) return callback(null);
      try {
        onReading(
          packet.topic,
          Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        );
        callback(null);
      } catch (e) {
        // An error here makes aedes drop the connection without a PUBACK; the publisher resends.
        log.error({ err: e, topic: packet.topic }, 'spool append failed; publisher will resend');
        callback(e as Error);
      }
    },
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    connectedClients: () => broker.connectedClients,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
