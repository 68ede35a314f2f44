import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStartScript, startCommand } from '../../bench/node-runtime.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The `ENV` settings of the Dockerfile's last stage (the image that runs), continuations joined. */
function runtimeImageEnv(): Record<string, string> {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM /m);
  const env: Record<string, string> = {};
  for (const line of (stages.at(-1) ?? '').split('\n')) {
    if (!line.startsWith('ENV ')) continue;
    for (const m of line.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g))
      env[m[1]!] = m[3] ?? m[2]!;
  }
  return env;
}

describe('runtime settings: package.json "start" is their one source', () => {
  it('reads the environment before `node` and the flags after it', () => {
    expect(parseStartScript('A_=1 B=two node --x=1 --y dist/src/cli.js serve --role api')).toEqual({
      env: { A_: '1', B: 'two' },
      nodeArgs: ['--x=1', '--y'],
    });
    expect(parseStartScript('node dist/src/cli.js serve')).toEqual({ env: {}, nodeArgs: [] });
    expect(() => parseStartScript('tsx src/cli.ts serve')).toThrow(/does not run node/);
    expect(() => parseStartScript('node --x=1')).toThrow(/no entry point/);
  });

  it('`npm start` bounds the heap and the young generation and tames glibc malloc', () => {
    const { env, nodeArgs } = startCommand();
    expect(nodeArgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--max-old-space-size=\d+$/),
        expect.stringMatching(/^--max-semi-space-size=\d+$/),
      ]),
    );
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']),
    );
  });

  it('the image sets the same environment, and the same flags through NODE_OPTIONS', () => {
    const { env, nodeArgs } = startCommand();
    const image = runtimeImageEnv();
    expect(image).toMatchObject(env);
    expect(image.NODE_OPTIONS?.split(' ')).toEqual(nodeArgs);
  });

  it('the jobs differ from `npm start` only by a larger young generation', () => {
    const all = startCommand();
    const jobs = startCommand('start:jobs');
    expect(jobs.env).toEqual(all.env);
    const semi = (args: readonly string[]) =>
      Number(/--max-semi-space-size=(\d+)/.exec(args.join(' '))?.[1]);
    expect(semi(jobs.nodeArgs)).toBeGreaterThan(semi(all.nodeArgs));
    const others = (args: readonly string[]) => args.filter((a) => !a.startsWith('--max-semi'));
    expect(others(jobs.nodeArgs)).toEqual(others(all.nodeArgs));
  });

  it.each(['start', 'start:jobs'] as const)(
    'node accepts every flag of `npm run %s` in NODE_OPTIONS, and they take effect',
    (script) => {
      const { nodeArgs } = startCommand(script);
      // Node refuses to start when NODE_OPTIONS carries a flag it does not allow there: the
      // container would not come up.
      const out = execFileSync(
        process.execPath,
        ['-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'],
        { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeArgs.join(' ') } },
      );
      const oldMb = Number(/--max-old-space-size=(\d+)/.exec(nodeArgs.join(' '))?.[1]);
      const limitMb = Number(out.toString().trim()) / 2 ** 20;
      const semiMb = Number(/--max-semi-space-size=(\d+)/.exec(nodeArgs.join(' '))?.[1]);
      // The limit is the old space plus the young generation (three semi-spaces): never the
      // default ~2 GB.
      expect(limitMb).toBeGreaterThanOrEqual(oldMb);
      expect(limitMb).toBeLessThanOrEqual(oldMb + 3 * semiMb + 1);
    },
  );
});
