import { createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * mosquitto_passwd's default. The meters' passwords are 256-bit HMAC outputs, so iterations add no
 * strength, only CPU per CONNECT.
 */
export const DEFAULT_PBKDF2_ITERATIONS = 101;
// mosquitto 2.0 (password_mosq.c): 12 random bytes of salt, 64 bytes of SHA-512 output
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** A broker login. */
export interface BrokerAccount {
  readonly username: string;
  readonly password: string;
}

/**
 * One password in Mosquitto 2.0's `password_file` format:
 * `$7$<iterations>$<base64 salt>$<base64 hash>`, PBKDF2-HMAC-SHA512 over the raw salt bytes,
 * exactly what `mosquitto_passwd` writes (checked against it in mosquitto-auth.test.ts).
 * Mosquitto 1.5+ reads it too.
 */
export function mosquittoHash(
  password: string,
  opts: { salt?: Buffer; iterations?: number } = {},
): string {
  const iterations = opts.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1)
    throw new RangeError(`iterations must be a positive integer, not ${iterations}`);
  const salt = opts.salt ?? randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Does `password` match a `$7$` entry? What Mosquitto checks on CONNECT; lets tests and tools
 * verify a file without a broker.
 */
export function verifyMosquittoHash(password: string, encoded: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (m === null) return false;
  const expected = Buffer.from(m[3] ?? '', 'base64');
  const actual = pbkdf2Sync(
    password,
    Buffer.from(m[2] ?? '', 'base64'),
    Number(m[1]),
    expected.length,
    'sha512',
  );
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

/**
 * A meter's MQTT password, derived from the fleet secret:
 * HMAC-SHA256(secret, "wattledger/mqtt/v1/" + meterId), base64url (43 characters). Deterministic,
 * so regenerating the files for a grown fleet keeps every existing meter's password, and the
 * provisioning line (or a factory tool holding the secret) computes it the same way.
 */
export function meterPassword(secret: string, meterId: string): string {
  return createHmac('sha256', secret).update(`wattledger/mqtt/v1/${meterId}`).digest('base64url');
}

/**
 * Lines of a `password_file`, one per account, sorted by username so regenerated files diff
 * cleanly.
 */
export function passwordFile(
  accounts: readonly BrokerAccount[],
  hash: (password: string) => string = (p) => mosquittoHash(p),
): string {
  const seen = new Set<string>();
  for (const a of accounts) {
    // ':' ends the username in the file; whitespace and control characters would corrupt the line.
    if (!/^[^:\s\p{Cc}]{1,65535}$/u.test(a.username))
      throw new Error(`${JSON.stringify(a.username)} cannot be a Mosquitto username`);
    if (seen.has(a.username))
      throw new Error(
        `two broker accounts are named ${a.username} (a meter id may not equal the ingest or simulator user)`,
      );
    seen.add(a.username);
  }
  const sorted = [...accounts].sort((x, y) =>
    x.username < y.username ? -1 : x.username > y.username ? 1 : 0,
  );
  return sorted.map((a) => `${a.username}:${hash(a.password)}\n`).join('');
}

/**
 * The `acl_file`. Meters log in with their meter id as username, and the pattern lets each publish
 * to its own topic only; anything else is refused (MQTT 5: PUBACK 0x87). The ingest user reads
 * every meter's topic, plainly or through a shared subscription (the `$share` line is for brokers
 * that check SUBSCRIBE filters literally; Mosquitto checks the delivered topic). An optional
 * simulator user may write any meter's topic (a demo fleet publishes from one connection): never
 * give it to a real device.
 */
export function aclFile(opts: {
  ingestUser: string;
  simulatorUser?: string | undefined;
  header?: string | undefined;
  devices?: readonly DeviceAccess[] | undefined;
}): string {
  const devices = [...(opts.devices ?? [])].sort((a, b) => (a.login < b.login ? -1 : 1));
  const boundTopics = [...new Set(devices.flatMap((d) => d.topics))].sort();
  return [
    ...(opts.header === undefined ? [] : opts.header.split('\n').map((l) => `# ${l}`)),
    '# Patterns apply to every user: a meter (username = meter id) writes its own readings topic, nothing else.',
    'pattern write meters/%u/readings',
    '# ... and may read inside its own tree only: never another meter, # or $SYS.',
    'pattern read meters/%u/#',
    '',
    `user ${opts.ingestUser}`,
    'topic read meters/+/readings',
    'topic read $share/+/meters/+/readings',
    '# Ingest also subscribes below the readings topic, to record what lands there as invalid_topic.',
    'topic read meters/+/readings/+/#',
    'topic read $share/+/meters/+/readings/+/#',
    ...(boundTopics.length === 0
      ? []
      : [
          '# ... and every topic a meter is bound to in a device format.',
          ...boundTopics.flatMap((t) => [`topic read ${t}`, `topic read $share/+/${t}`]),
        ]),
    ...devices.flatMap((d) => [
      '',
      `# Device login ${d.login}: its devices' own trees (readings, status, commands, last will).`,
      `user ${d.login}`,
      ...d.filters.map((f) => `topic readwrite ${f}`),
    ]),
    ...(opts.simulatorUser === undefined
      ? []
      : ['', `user ${opts.simulatorUser}`, 'topic write meters/+/readings']),
    '',
  ].join('\n');
}

/**
 * `limits.conf`, for Mosquitto's `include_dir`: the packet size bound the embedded broker applies
 * too. It also bounds a retained message; their count is bounded by the ACL (a meter writes one
 * topic, so it can retain one message).
 */
export function limitsConf(maxPacketBytes: number): string {
  return `# Packets above this close the connection (MQTT_MAX_PACKET_BYTES).\nmax_packet_size ${maxPacketBytes}\n`;
}

/**
 * A device login (a device or a bridge serving several meters): the topics its meters are bound to,
 * and the filters of its own trees, which it may read and write.
 */
export interface DeviceAccess {
  readonly login: string;
  readonly topics: readonly string[];
  readonly filters: readonly string[];
}

/** Everything `wattledger broker-auth` writes. */
export interface BrokerAuthFiles {
  readonly passwordFile: string;
  readonly aclFile: string;
  /** Each meter's password, for provisioning (written to a CSV only on request). */
  readonly meterAccounts: readonly BrokerAccount[];
}

/**
 * Build the password and ACL files for a fleet: one account per meter, the ingest account,
 * optionally a simulator.
 */
export function brokerAuthFiles(input: {
  /** Every MQTT login of the fleet: meter ids, and the device logins of bound meters. */
  meterIds: readonly string[];
  devices?: readonly DeviceAccess[] | undefined;
  meterSecret: string;
  ingest: BrokerAccount;
  simulator?: BrokerAccount | undefined;
  iterations?: number | undefined;
  header?: string | undefined;
}): BrokerAuthFiles {
  const meterAccounts = input.meterIds.map((id) => ({
    username: id,
    password: meterPassword(input.meterSecret, id),
  }));
  const accounts = [
    ...meterAccounts,
    input.ingest,
    ...(input.simulator === undefined ? [] : [input.simulator]),
  ];
  return {
    passwordFile: passwordFile(accounts, (p) => mosquittoHash(p, { iterations: input.iterations })),
    aclFile: aclFile({
      ingestUser: input.ingest.username,
      simulatorUser: input.simulator?.username,
      header: input.header,
      devices: input.devices,
    }),
    meterAccounts,
  };
}
