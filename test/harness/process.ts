import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A service process started by the harness, its output appended to `logFile`. */
export interface ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly pid: number | undefined;
  /** Settles once the process has ended (or failed to start). */
  readonly exited: Promise<Exit>;
  running(): boolean;
  /**
   * SIGTERM, then SIGKILL if it is still alive after `graceMs` (10 s). Resolves once it has exited.
   */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (a crash, for recovery tests). Resolves once it has exited. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Normal exits and process.exit() run this; a worker killed by a signal does not,
// hence the watchdog below.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A detached shell that SIGKILLs the child once this process is gone, so a test worker
 * that dies hard leaves no service behind holding ports and temp dirs. It exits by itself
 * when the child ends first.
 */
function watchdog(childPid: number): void {
  const script =
    'while kill -0 "$P" 2>/dev/null; do kill -0 "$C" 2>/dev/null || exit 0; sleep 0.5; done; kill -KILL "$C" 2>/dev/null';
  const dog = spawn('/bin/sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', P: String(process.pid), C: String(childPid) },
  });
  dog.unref();
}

/**
 * Start `command` with stdout and stderr appended to `logFile`. Never throws: a failed
 * spawn shows up in `exited`.
 */
export function spawnLogged(
  name: string,
  command: string,
  args: readonly string[],
  opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): ManagedProcess {
  appendFileSync(opts.logFile, `--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  live.add(child);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      appendFileSync(opts.logFile, `spawn failed: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
  }).finally(() => live.delete(child));
  if (child.pid !== undefined) watchdog(child.pid);
  let done = false;
  void exited.then(() => {
    done = true;
  });

  async function stop(graceMs = 10_000): Promise<void> {
    if (done) return;
    child.kill('SIGTERM');
    const timer = delay(graceMs, 'timeout' as const, { ref: false });
    if ((await Promise.race([exited, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }

  async function kill(): Promise<void> {
    if (done) return;
    child.kill('SIGKILL');
    await exited;
  }

  return { name, logFile: opts.logFile, pid: child.pid, exited, running: () => !done, stop, kill };
}

/** The last lines of a log file, for error messages that explain why a service did not come up. */
export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface WaitOptions {
  /** Deadline; generous by default because CI machines stall. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Give up at once if this process exits, and quote its log in the error. */
  readonly process?: ManagedProcess;
}

/**
 * Poll `check` until it returns true. Throws with `what` (and the process log)
 * when the deadline passes.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  opts: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const proc = opts.process;
  const fail = (why: string) =>
    new Error(
      `${what}: ${why}${proc ? `\n--- ${proc.name} log (${proc.logFile}):\n${logTail(proc.logFile)}` : ''}`,
    );
  for (;;) {
    if (proc && !proc.running()) throw fail('process exited');
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw fail(`not ready after ${opts.timeoutMs ?? 60_000} ms`);
    await delay(opts.intervalMs ?? 100);
  }
}

/** True when something accepts TCP connections on host:port. */
export async function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(2000);
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });
}

/** Wait until host:port accepts TCP connections. */
export async function waitForPort(
  port: number,
  opts: WaitOptions & { host?: string } = {},
): Promise<void> {
  await waitFor(
    `port ${opts.host ?? '127.0.0.1'}:${port}`,
    () => canConnect(port, opts.host),
    opts,
  );
}

/** Wait until GET `url` answers a status that `accept` likes (2xx by default). */
export async function waitForHttp(
  url: string,
  opts: WaitOptions & { accept?: (status: number) => boolean } = {},
): Promise<void> {
  const accept = opts.accept ?? ((s: number) => s >= 200 && s < 300);
  await waitFor(
    `GET ${url}`,
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return accept(res.status);
    },
    opts,
  );
}
