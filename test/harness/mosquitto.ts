import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnLogged, waitForPort, type ManagedProcess } from './process.js';
import { MOSQUITTO_BIN } from './services.js';

export interface MosquittoOptions {
  /** Keep sessions and queued messages on disk (saved every second) across stop()/start(). */
  readonly persistence?: boolean;
  /** Lines appended to the generated mosquitto.conf. */
  readonly extraConfig?: string;
  readonly port?: number;
  readonly dataDir?: string;
  /**
   * Refuse anonymous clients: logins from `passwordFile`, topic rights from `aclFile` (see
   * `wattledger broker-auth`).
   */
  readonly auth?: { readonly passwordFile: string; readonly aclFile: string };
  /** Serve MQTT over TLS on the port (then `url` is mqtts://) with these PEM files. */
  readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
}

export interface MosquittoHandle {
  readonly url: string;
  readonly port: number;
  /** Temp folder holding mosquitto.conf, mosquitto.log and (with persistence) mosquitto.db. */
  readonly dataDir: string;
  readonly logFile: string;
  /** Clean shutdown: with persistence on, the broker writes its state before exiting. */
  stop(): Promise<void>;
  /** Start again on the same port and data dir, e.g. after stop() or kill(). */
  start(): Promise<void>;
  /** SIGKILL: a crash. Whatever came after the last autosave is lost, as in production. */
  kill(): Promise<void>;
  /** stop() and delete the data dir unless it was given by the caller. */
  dispose(): Promise<void>;
}

function config(port: number, dataDir: string, opts: MosquittoOptions): string {
  return [
    `listener ${port} 127.0.0.1`,
    ...(opts.tls
      ? [
          `cafile ${opts.tls.caFile}`,
          `certfile ${opts.tls.certFile}`,
          `keyfile ${opts.tls.keyFile}`,
        ]
      : []),
    ...(opts.auth
      ? [
          'allow_anonymous false',
          `password_file ${opts.auth.passwordFile}`,
          `acl_file ${opts.auth.aclFile}`,
        ]
      : ['allow_anonymous true']),
    // Default 1000 per client: a persistent session of a stopped ingest silently drops the rest.
    'max_queued_messages 0',
    'max_inflight_messages 100',
    // Run as root (containers), mosquitto 2 drops to user "mosquitto", which
    // cannot write our temp dir.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    ...(opts.persistence
      ? ['persistence true', `persistence_location ${dataDir}/`, 'autosave_interval 1']
      : ['persistence false']),
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    opts.extraConfig ?? '',
    '',
  ].join('\n');
}

/**
 * Start a private Mosquitto on 127.0.0.1 (a free port unless given) with its own temp folder.
 * Resolves once the port accepts connections.
 */
export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoHandle> {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'wl-mosquitto-'));
  mkdirSync(dataDir, { recursive: true });
  const confFile = path.join(dataDir, 'mosquitto.conf');
  const logFile = path.join(dataDir, 'mosquitto.log');
  writeFileSync(confFile, config(port, dataDir, opts));

  let proc: ManagedProcess | undefined;
  async function start(): Promise<void> {
    if (proc?.running()) throw new Error('mosquitto is already running');
    proc = spawnLogged('mosquitto', MOSQUITTO_BIN, ['-c', confFile], { logFile, cwd: dataDir });
    await waitForPort(port, { process: proc });
  }
  const stop = async () => proc?.stop();
  await start();

  return {
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    dataDir,
    logFile,
    stop,
    start,
    kill: async () => proc?.kill(),
    async dispose() {
      await stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
