// The node flags and environment of every process a bench measures: those `npm start` runs with,
// read from package.json's "start" script, so a benchmark measures what ships. BENCH_NODE_ARGS
// replaces the flags and BENCH_NODE_ENV (`NAME=value NAME=value`, or empty for none) the
// environment, to compare other settings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What `npm start` runs: the environment set before `node`, and node's flags. */
export interface StartCommand {
  readonly env: Readonly<Record<string, string>>;
  readonly nodeArgs: readonly string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/;

/**
 * Splits a start script of the form `NAME=value … node --flag … <entry> …` into its environment
 * and node flags. Throws on any other shape, so a change to the script cannot silently leave the
 * benches measuring something else.
 */
export function parseStartScript(script: string): StartCommand {
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = ASSIGNMENT.exec(words[i]!);
    if (m === null) break;
    env[m[1]!] = m[2]!;
  }
  if (words[i] !== 'node') throw new Error(`start script does not run node: ${script}`);
  const nodeArgs: string[] = [];
  for (i++; i < words.length && words[i]!.startsWith('--'); i++) nodeArgs.push(words[i]!);
  if (i === words.length) throw new Error(`start script names no entry point: ${script}`);
  return { env, nodeArgs };
}

/**
 * The package.json script a role runs as: `start:jobs` for the jobs (a larger young generation,
 * docs/operations.md "Memory settings"), `start` for the others and for all roles in one process.
 */
export type StartScript = 'start' | 'start:jobs';

/** The script of a measured `role`'s process. */
export const scriptOf = (role?: string): StartScript => (role === 'jobs' ? 'start:jobs' : 'start');

/** The flags and environment of a package.json start script, the one source of both. */
export function startCommand(name: StartScript = 'start'): StartCommand {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.[name];
  if (script === undefined) throw new Error(`package.json has no "${name}" script`);
  return parseStartScript(script);
}

/**
 * Node flags of a measured process of `role` (all roles when absent): its start script's, or
 * BENCH_NODE_ARGS when set.
 */
export function measuredNodeArgs(role?: string): string[] {
  const override = process.env.BENCH_NODE_ARGS;
  return override === undefined
    ? [...startCommand(scriptOf(role)).nodeArgs]
    : override.split(' ').filter(Boolean);
}

/**
 * Environment a measured process of `role` gets on top of the bench's own: its start script's (the
 * allocator settings), or BENCH_NODE_ENV when set (empty: none of them).
 */
export function measuredNodeEnv(role?: string): Record<string, string> {
  const override = process.env.BENCH_NODE_ENV;
  if (override === undefined) return { ...startCommand(scriptOf(role)).env };
  const env: Record<string, string> = {};
  for (const word of override.split(' ').filter(Boolean)) {
    const m = ASSIGNMENT.exec(word);
    if (m === null) throw new Error(`BENCH_NODE_ENV: not NAME=value: ${word}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}
