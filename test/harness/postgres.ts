import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

/**
 * Where Debian's postgresql-<version> packages put their binaries:
 * /usr/lib/postgresql/<version>/bin.
 */
const PG_ROOT = '/usr/lib/postgresql';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

export interface PostgresHandle {
  /** URL of the `postgres` database, as superuser `postgres` (trust auth, loopback only). */
  readonly url: string;
  readonly port: number;
  /** Temp folder holding `data/`, the socket folder and `postgres.log`; deleted by stop(). */
  readonly baseDir: string;
  readonly logFile: string;
  /** Create a fresh, empty database (a random `wl_…` name unless given) and return its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown (SIGINT: clients are disconnected), then delete the temp folder. Idempotent. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** The bin folder of the highest PostgreSQL version installed, or undefined. */
function findBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(PG_ROOT, v, 'bin');
    try {
      accessSync(path.join(bin, 'postgres'), constants.X_OK);
      accessSync(path.join(bin, 'initdb'), constants.X_OK);
      return bin;
    } catch {
      // a half-removed version: try the next one
    }
  }
  return undefined;
}

let checked: boolean | undefined;

/**
 * Is PostgreSQL installed? Missing + REQUIRE_SERVICES=1 throws, so CI cannot go green by skipping;
 * missing otherwise returns false after a loud banner, for `describe.skipIf(!havePostgres())`.
 */
export function havePostgres(): boolean {
  if (checked !== undefined) return checked;
  checked = findBinDir() !== undefined;
  if (!checked) {
    if (process.env.REQUIRE_SERVICES === '1')
      throw new Error(
        `PostgreSQL is required (REQUIRE_SERVICES=1) but no ${PG_ROOT}/<version>/bin/postgres is installed`,
      );
    const bar = '!'.repeat(78);
    console.warn(
      `\n${bar}\n!! PostgreSQL not found under ${PG_ROOT}: its integration tests are SKIPPED.\n!! Install it (Debian: apt-get install postgresql) or set REQUIRE_SERVICES=1 to make this an error.\n${bar}\n`,
    );
  }
  return checked;
}

/** uid and gid of the `postgres` account: the server refuses to run as root. */
function postgresAccount(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('running as root, but there is no "postgres" account to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

interface Instance {
  readonly child: ChildProcess;
  readonly baseDir: string;
  /** Settles once the server has ended (or failed to spawn). */
  readonly exited: Promise<void>;
  running: boolean;
}

const instances = new Set<Instance>();
// Normal exits and process.exit() run this: a fast shutdown needs nothing more from us, and
// the watchdog deletes the folder once the server is gone. A worker killed by a signal skips
// this: the watchdog covers it.
process.on('exit', () => {
  for (const i of instances) {
    if (i.running) i.child.kill('SIGINT');
    else rmSync(i.baseDir, { recursive: true, force: true });
  }
});

/**
 * A detached shell that outlives this process: once we are gone, it fast-stops the server (SIGKILL
 * after 10 s) and deletes its folder, so a crashed test run leaves no postgres behind. It exits by
 * itself when the server ends while we still live (stop() then owns the cleanup).
 */
function watchdog(serverPid: number, baseDir: string): void {
  const script = [
    'while kill -0 "$P" 2>/dev/null && kill -0 "$C" 2>/dev/null; do sleep 0.5; done',
    'kill -0 "$P" 2>/dev/null && exit 0',
    'if kill -0 "$C" 2>/dev/null; then',
    '  kill -INT "$C" 2>/dev/null; i=0',
    '  while kill -0 "$C" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i+1)); done',
    '  kill -KILL "$C" 2>/dev/null',
    'fi',
    'rm -rf "$D"',
  ].join('\n');
  const dog = spawn('/bin/sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      P: String(process.pid),
      C: String(serverPid),
      D: baseDir,
    },
  });
  dog.unref();
}

function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  // a server going down mid-probe must not crash the test worker
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Start a private PostgreSQL (the highest version under /usr/lib/postgresql) on a free loopback
 * port with a throw-away cluster in a temp folder, tuned for tests (no fsync). Resolves once a
 * connection succeeds. Returns undefined when PostgreSQL is not installed (see havePostgres).
 */
export async function startPostgres(): Promise<PostgresHandle | undefined> {
  if (!havePostgres()) return undefined;
  const binDir = findBinDir();
  if (binDir === undefined) throw new Error(`PostgreSQL disappeared from ${PG_ROOT}`);
  const owner = process.getuid?.() === 0 ? postgresAccount() : undefined;

  const baseDir = mkdtempSync(path.join(tmpdir(), 'wl-postgres-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'sock');
  const logFile = path.join(baseDir, 'postgres.log');
  mkdirSync(socketDir);
  if (owner !== undefined) for (const d of [baseDir, socketDir]) chownSync(d, owner.uid, owner.gid);
  // PG* variables (PGDATA, PGOPTIONS, PGPORT…) of the caller must not steer our private cluster.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));

  let instance: Instance | undefined;
  try {
    const initdb = path.join(binDir, 'initdb');
    const initArgs = [
      '-D',
      dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ];
    try {
      await (owner !== undefined
        ? execFileAsync('runuser', ['-u', 'postgres', '--', initdb, ...initArgs], {
            cwd: baseDir,
            env,
          })
        : execFileAsync(initdb, initArgs, { cwd: baseDir, env }));
    } catch (e) {
      const err = e as Error & { stdout?: string; stderr?: string };
      throw new Error(`initdb failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`, {
        cause: e,
      });
    }

    const port = await freePort();
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ];
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      // Spawned with uid/gid rather than through runuser: runuser would stand between us and the
      // server, turning our SIGINT (fast shutdown) into SIGTERM plus a SIGKILL two seconds later.
      child = spawn(path.join(binDir, 'postgres'), args, {
        cwd: baseDir,
        env,
        stdio: ['ignore', fd, fd],
        ...owner,
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    let spawnError = '';
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (err) => {
        spawnError = `spawn failed: ${err.message}\n`;
        resolve();
      });
    }).finally(() => {
      inst.running = false;
    });
    const inst: Instance = { child, baseDir, exited, running: true };
    instance = inst;
    instances.add(inst);
    if (child.pid !== undefined) watchdog(child.pid, baseDir);

    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (!inst.running)
        throw new Error(
          `postgres exited during startup\n${spawnError}--- ${logFile}:\n${logTail(logFile)}`,
        );
      if (await canQuery(url)) break;
      if (Date.now() > deadline)
        throw new Error(
          `postgres not ready after ${READY_TIMEOUT_MS} ms\n--- ${logFile}:\n${logTail(logFile)}`,
        );
      await delay(100);
    }

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        if (inst.running) {
          child.kill('SIGINT');
          const timedOut = await Promise.race([
            exited.then(() => false),
            delay(STOP_GRACE_MS, true, { ref: false }),
          ]);
          if (timedOut) {
            child.kill('SIGKILL');
            await exited;
          }
        }
        rmSync(baseDir, { recursive: true, force: true });
        instances.delete(inst);
      })();
      return stopping;
    };

    const createDatabase = async (
      name = `wl_${randomBytes(6).toString('hex')}`,
    ): Promise<string> => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
        throw new Error(
          `createDatabase: ${JSON.stringify(name)} is not a plain lower-case identifier`,
        );
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    };

    return { url, port, baseDir, logFile, createDatabase, stop };
  } catch (e) {
    if (instance !== undefined) {
      if (instance.running) instance.child.kill('SIGKILL');
      await instance.exited;
      instances.delete(instance);
    }
    rmSync(baseDir, { recursive: true, force: true });
    throw e;
  }
}
