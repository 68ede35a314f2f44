import { timingSafeEqual } from 'node:crypto';
import type { AedesOptions, AuthenticateError, AuthErrorCode, Client } from 'aedes';
import type { Logger } from '../shared/logger.js';
import { inOwnTree, isMeterUsername, mayPublish, maySubscribe } from './embedded-acl.js';
import { meterPassword } from './mosquitto-auth.js';

/**
 * Where a refused publish is sent instead of its topic: aedes cannot refuse a QoS 1 publish without
 * closing the connection, so the message is emptied and rerouted here, and never forwarded.
 */
const REFUSED_TOPIC = '$wattledger/refused';
/** Distinct retained topics one meter may hold (it can only write one topic). */
export const MAX_RETAINED_PER_CLIENT = 4;
/**
 * Distinct retained topics one device login may hold: a bridge (zigbee2mqtt, teleinfo2mqtt) retains
 * its state, its device list and each device's last state.
 */
export const MAX_RETAINED_PER_DEVICE_LOGIN = 256;
const NOT_AUTHORIZED: AuthErrorCode = 5;

/** How the embedded broker decides who may connect, publish and subscribe. */
export interface EmbeddedAuthOptions {
  /** Master secret of the meters' passwords; each meter logs in as its id. */
  readonly meterSecret: string;
  /** Let clients in without credentials, with the open behaviour of old (local trials only). */
  readonly allowAnonymous: boolean;
  /**
   * The device logins of meters bound to device topics, and the topic trees each may use; without
   * it every login is a meter id on `meters/{id}/…`.
   */
  readonly devices?: DeviceLogins | undefined;
}

/** What the broker asks of the device bindings (kept fresh by ingest). */
export interface DeviceLogins {
  isDeviceLogin(login: string): boolean;
  loginMayUse(login: string, topicOrFilter: string): boolean;
}

/** What the hooks report back to the broker around them. */
export interface EmbeddedAuthEvents {
  /** A publish allowed onto a topic: the broker decides what to do with it. */
  readonly onAllowed: (topic: string, payload: Buffer) => void;
  /**
   * A publish refused by the ACL, quietly (the client stays connected); throws when it could not
   * be recorded durably.
   */
  readonly onRefused: (meterId: string | null, topic: string, payload: Buffer) => void;
}

type Hooks = Required<
  Pick<
    AedesOptions,
    'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'
  >
>;

const passwordOk = (expected: string, given: Buffer | undefined): boolean => {
  const want = Buffer.from(expected, 'utf8');
  return given !== undefined && given.length === want.length && timingSafeEqual(given, want);
};

const notAuthorized = (): AuthenticateError =>
  Object.assign(new Error('not authorized'), { returnCode: NOT_AUTHORIZED });

/**
 * aedes hooks enforcing the rules of the generated Mosquitto files on the embedded broker: a meter
 * (username = meter id, password derived from the secret) publishes to its own readings topic only
 * and subscribes within `meters/{id}/#` only; anonymous clients get CONNACK "not authorized" unless
 * allowed. A refused publish is acknowledged and dropped, as Mosquitto does, so a device that
 * misbehaves once is not disconnected over and over. Retained messages stay inside the publisher's
 * tree and are bounded per meter; anonymous clients never retain.
 */
export function embeddedAuthHooks(
  opts: EmbeddedAuthOptions,
  events: EmbeddedAuthEvents,
  log: Logger,
): Hooks {
  // The meter id of each authenticated client; null for an anonymous one.
  const identities = new WeakMap<Client, string | null>();
  const retained = new Map<string, Set<string>>();

  const devices = opts.devices;
  const isDevice = (login: string) => devices?.isDeviceLogin(login) === true;
  // A login publishes to its meter's readings topic (the login is the meter id), and a device login
  // within the trees of the devices it speaks for.
  const publishAllowed = (login: string, topic: string) =>
    mayPublish(login, topic) || (devices?.loginMayUse(login, topic) ?? false);
  const retainTreeAllowed = (login: string, topic: string) =>
    inOwnTree(login, topic) || (devices?.loginMayUse(login, topic) ?? false);
  const retainAllowed = (meterId: string, topic: string, empty: boolean): boolean => {
    const held = retained.get(meterId) ?? new Set<string>();
    const bound = isDevice(meterId) ? MAX_RETAINED_PER_DEVICE_LOGIN : MAX_RETAINED_PER_CLIENT;
    if (empty) held.delete(topic);
    else if (!held.has(topic) && held.size >= bound) return false;
    else held.add(topic);
    retained.set(meterId, held);
    return true;
  };

  return {
    authenticate(client, username, password, done) {
      if (username === undefined || username === '') {
        if (!opts.allowAnonymous) return done(notAuthorized(), false);
        identities.set(client, null);
        return done(null, true);
      }
      if (
        !isMeterUsername(username) ||
        !passwordOk(meterPassword(opts.meterSecret, username), password)
      )
        return done(notAuthorized(), false);
      identities.set(client, username);
      done(null, true);
    },
    authorizePublish(client, packet, callback) {
      // Publishes of the broker itself ($SYS heartbeats) come without a client.
      if (client === null) return callback(null);
      const meterId = identities.get(client) ?? null;
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload);
      const allowed =
        meterId === null
          ? !packet.topic.startsWith('$')
          : publishAllowed(meterId, packet.topic) &&
            (!packet.retain ||
              (retainTreeAllowed(meterId, packet.topic) &&
                retainAllowed(meterId, packet.topic, payload.length === 0)));
      if (!allowed) {
        log.warn({ meterId, topic: packet.topic }, 'refused a publish outside the client’s rights');
        try {
          events.onRefused(meterId, packet.topic, payload);
        } catch (e) {
          // Not recorded durably: close the connection so the publisher sends it again.
          return callback(e as Error);
        }
        packet.topic = REFUSED_TOPIC;
        packet.payload = Buffer.alloc(0);
        packet.retain = false;
        return callback(null);
      }
      if (meterId === null) packet.retain = false;
      try {
        events.onAllowed(packet.topic, payload);
        callback(null);
      } catch (e) {
        callback(e as Error);
      }
    },
    authorizeSubscribe(client, sub, callback) {
      const meterId = identities.get(client) ?? null;
      if (
        meterId !== null &&
        !maySubscribe(meterId, sub.topic) &&
        !(devices?.loginMayUse(meterId, sub.topic) ?? false)
      ) {
        log.warn({ meterId, filter: sub.topic }, 'refused a subscription outside the meter’s tree');
        return callback(null, null);
      }
      if (sub.topic.startsWith(REFUSED_TOPIC)) return callback(null, null);
      callback(null, sub);
    },
    authorizeForward(_client, packet) {
      return packet.topic === REFUSED_TOPIC ? null : packet;
    },
  };
}
