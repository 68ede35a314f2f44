import { meterPassword } from '../src/broker/mosquitto-auth.js';
import { connectPublisher, type Publisher, type PublisherOptions } from './publisher.js';

/**
 * A {@link Publisher} that logs each meter in with its own credentials (username = its login, the
 * meter id unless its device shares a bridge's login; password derived from `meterSecret`), one
 * connection per login, opened on its first message: a broker that lets a meter write only its own
 * topic (the embedded one, Mosquitto with the files of `broker-auth`) accepts a simulated fleet as
 * it would the real one. Client ids are `<clientId>-<login>`.
 */
export async function connectMeterPublishers(
  opts: PublisherOptions & {
    readonly meterSecret: string;
    readonly clientId: string;
    /** The login of a device topic's publisher; readings topics log in as their meter. */
    readonly deviceLogins?: ReadonlyMap<string, string> | undefined;
  },
): Promise<Publisher> {
  const logins = new Map<string, Promise<Publisher>>();
  // Connected ones, for the synchronous stats().
  const settled: Publisher[] = [];
  const of = (topic: string): Promise<Publisher> => {
    const login = opts.deviceLogins?.get(topic) ?? /^meters\/([^/]+)\/readings$/.exec(topic)?.[1];
    if (login === undefined) throw new Error(`no meter publishes on ${topic}`);
    let pub = logins.get(login);
    if (pub === undefined) {
      pub = connectPublisher({
        ...opts,
        clientId: `${opts.clientId}-${login}`,
        username: login,
        password: meterPassword(opts.meterSecret, login),
      }).then((p) => {
        settled.push(p);
        return p;
      });
      logins.set(login, pub);
    }
    return pub;
  };
  const all = () => Promise.all(logins.values());
  return {
    async publish(topic, payload, signal) {
      await (await of(topic)).publish(topic, payload, signal);
    },
    async drain(timeoutMs) {
      const done = await Promise.all((await all()).map((p) => p.drain(timeoutMs)));
      return done.every(Boolean);
    },
    stats() {
      const sum = { published: 0, acked: 0, failed: 0, inFlight: 0 };
      for (const p of settled) {
        const s = p.stats();
        sum.published += s.published;
        sum.acked += s.acked;
        sum.failed += s.failed;
        sum.inFlight += s.inFlight;
      }
      return sum;
    },
    async close() {
      await Promise.all((await all()).map((p) => p.close()));
    },
  };
}
