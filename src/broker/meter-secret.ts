import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Where a generated meter password secret is kept, inside DATA_DIR. */
export const METER_SECRET_FILE = 'mqtt-meter-secret';

/**
 * The master secret the meters' MQTT passwords derive from: METER_PASSWORD_SECRET when set (what
 * `broker-auth` uses for Mosquitto), else the one kept in DATA_DIR. With `create` (the embedded
 * broker) a missing file is generated once, so `npm start` needs no setup and a restart keeps every
 * meter's password. Undefined when there is neither and nothing may be created: an external broker's
 * passwords cannot be guessed.
 */
export function resolveMeterSecret(opts: {
  readonly configured: string | undefined;
  readonly dataDir: string;
  readonly create: boolean;
}): string | undefined {
  if (opts.configured !== undefined) return opts.configured;
  const file = path.join(opts.dataDir, METER_SECRET_FILE);
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
    throw new Error(`${file} holds no usable secret (32+ characters): remove it or fix it`);
  }
  if (!opts.create) return undefined;
  mkdirSync(opts.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // Whole or not at all: a torn file would change every password at the next start.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return secret;
}
