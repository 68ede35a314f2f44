import type { Config } from '../config.js';
import { makeRejection } from '../ingest/rejection.js';
import type { Ingest } from '../ingest/start-ingest.js';
import { isIngestTopic } from '../ingest/topic.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { readingsTopicOf } from './embedded-acl.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';

/**
 * The embedded broker as the configuration asks for it: meters log in with passwords derived from
 * `meterSecret`, packets are bounded by MQTT_MAX_PACKET_BYTES, and a publish the ACL refuses on a
 * readings topic is spooled as an `invalid_topic` rejection, so that even a refused reading leaves
 * a trace. MQTT_ALLOW_ANONYMOUS opens the broker to anyone, which is logged loudly at start.
 */
export async function startConfiguredBroker(
  config: Readonly<Config>,
  meterSecret: string,
  ingest: Pick<Ingest, 'receive' | 'reject' | 'handles' | 'bindings'>,
  deps: { readonly clock: Clock; readonly log: Logger },
): Promise<EmbeddedBroker> {
  const { log } = deps;
  const broker = await startEmbeddedBroker(
    {
      host: config.MQTT_HOST,
      port: config.MQTT_PORT,
      auth: {
        meterSecret,
        allowAnonymous: config.MQTT_ALLOW_ANONYMOUS,
        devices: ingest.bindings,
      },
      maxPacketBytes: config.MQTT_MAX_PACKET_BYTES,
      onRefused(meterId, topic, payload) {
        if (!ingest.handles(topic)) return;
        const who = meterId === null ? 'an anonymous client' : `login ${meterId}`;
        const rejection = makeRejection({
          reason: 'invalid_topic',
          detail: isIngestTopic(topic)
            ? `not authorized: ${who} may publish only to ${meterId === null ? 'readings topics' : readingsTopicOf(meterId)}`
            : `not authorized: ${who} may not publish to ${topic}, which another device login is bound to`,
          meterId,
          topic,
          payload,
          receivedAt: deps.clock.now(),
        });
        // Through the spool, as every rejection: the publish is acknowledged only once it is durable.
        ingest.reject(rejection);
      },
    },
    ingest,
    log,
  );
  if (config.MQTT_ALLOW_ANONYMOUS)
    log.warn(
      { url: broker.url },
      '!!! MQTT_ALLOW_ANONYMOUS=true: the embedded broker lets ANYONE connect without a password, publish for any meter and read every reading. For local trials only. !!!',
    );
  return broker;
}
