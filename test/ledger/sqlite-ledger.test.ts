import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { countMeters } from '../../src/fleet/meters-repo.js';
import { openLedger } from '../../src/ledger/connect.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { describeLedgerContract } from './ledger-contract.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function tempLedgerUrl(): { url: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-sqlite-ledger-'));
  return { url: `sqlite:${path.join(dir, 'ledger.db')}`, dir };
}

// A file, not :memory:, so WAL mode and the busy timeout behave as in production. No
// connectAgain: two connections in one process cannot race on SQLite (its busy wait blocks
// the only thread); see below.
describeLedgerContract('SQLite', async () => {
  const { url, dir } = tempLedgerUrl();
  const ledger = openLedger(url);
  return {
    ledger,
    async cleanup() {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// What a child process runs: open the ledger, say "ready", wait for "go" on
// stdin, migrate, say "migrated".
const MIGRATE_SCRIPT = `
import { createInterface } from 'node:readline';
import { openLedger } from ${JSON.stringify(new URL('../../src/ledger/connect.ts', import.meta.url).href)};
import { migrateLedger } from ${JSON.stringify(new URL('../../src/ledger/migrate.ts', import.meta.url).href)};
const ledger = openLedger(process.argv[1]);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
console.log('ready');
await lines.next();
await migrateLedger(ledger);
await ledger.close();
console.log('migrated');
process.exit(0);
`;

describe('SQLite ledger migrations', () => {
  it('leave nothing half-applied when one fails', async () => {
    const { url, dir } = tempLedgerUrl();
    const ledger = openLedger(url);
    try {
      // A stray table makes 0001 fail after it has created `meters`.
      await sql`create table rejections (x integer)`.execute(ledger.db);
      await expect(migrateLedger(ledger)).rejects.toThrow(
        /0001-fleet-and-rejections failed: table .?rejections.? already exists/,
      );
      const { rows } = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' order by name`.execute(ledger.db);
      expect(rows.map((r) => r.name)).toEqual(['rejections']);

      await sql`drop table rejections`.execute(ledger.db);
      await migrateLedger(ledger);
      expect(await countMeters(ledger.db)).toBe(0);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run from four processes on one new file at once without error', async () => {
    const { url, dir } = tempLedgerUrl();
    try {
      const children = Array.from({ length: 4 }, () =>
        spawn(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', MIGRATE_SCRIPT, url],
          { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
        ),
      );
      const outcomes = children.map((child) => {
        let stderr = '';
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
        });
        const lines = createInterface({ input: child.stdout });
        const ready = new Promise<void>((resolve) =>
          lines.on('line', (l) => {
            if (l === 'ready') resolve();
          }),
        );
        const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
          child.once('close', (code) => resolve({ code, stderr })),
        );
        return { ready: Promise.race([ready, exit]), exit };
      });
      // Release them together, once all have started, so the migrations really overlap.
      await Promise.all(outcomes.map((o) => o.ready));
      for (const child of children) child.stdin.end('go\n');
      const exits = await Promise.all(outcomes.map((o) => o.exit));
      expect(exits).toEqual(exits.map(() => ({ code: 0, stderr: '' })));

      const ledger = openLedger(url);
      try {
        const { rows } = await sql<{
          n: number;
        }>`select count(*) as n from kysely_migration`.execute(ledger.db);
        expect(rows[0]?.n).toBeGreaterThan(0);
        await migrateLedger(ledger);
        expect(await countMeters(ledger.db)).toBe(0);
      } finally {
        await ledger.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
