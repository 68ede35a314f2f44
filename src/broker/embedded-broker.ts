import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Logger } from '../shared/logger.js';
import { embeddedAuthHooks, type EmbeddedAuthOptions } from './embedded-auth.js';
import { limitPacketSize } from './packet-limit.js';

/** Where the embedded broker listens and whom it lets in. */
export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly auth: EmbeddedAuthOptions;
  /** Largest packet accepted, fixed header included; a larger one closes the connection. */
  readonly maxPacketBytes: number;
  /** A publish the ACL refused (the client stays connected). */
  readonly onRefused?:
    ((meterId: string | null, topic: string, payload: Buffer) => void) | undefined;
}

/** What the embedded broker hands to ingest: exactly the topics an external broker would deliver. */
export interface EmbeddedIngest {
  handles(topic: string): boolean;
  receive(topic: string, payload: Buffer): void;
}

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
  opts: EmbeddedBrokerOptions,
  ingest: EmbeddedIngest,
  log: Logger,
): Promise<EmbeddedBroker> {
  const hooks = embeddedAuthHooks(
    opts.auth,
    {
      onAllowed(topic, payload) {
        if (!ingest.handles(topic)) return;
        try {
          ingest.receive(topic, payload);
        } catch (e) {
          // An error here makes aedes drop the connection without a PUBACK; the publisher resends.
          log.error({ err: e, topic }, 'spool append failed; publisher will resend');
          throw e;
        }
      },
      onRefused: opts.onRefused ?? (() => undefined),
    },
    log,
  );
  const broker = await Aedes.createBroker(hooks);
  const server: Server = createServer((socket) => {
    const client = broker.handle(socket);
    limitPacketSize(client, opts.maxPacketBytes, (bytes) =>
      log.warn(
        { bytes, limit: opts.maxPacketBytes },
        'closed a connection over an oversize packet',
      ),
    );
  });
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
