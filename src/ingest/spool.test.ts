import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRejection } from './rejection.js';
import { openSpool } from './spool.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wl-spool-'));
  dirs.push(dir);
  return path.join(dir, 'spool.db');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const reading = (ts: number) => ({
  meterId: 'm',
  ts,
  importWh: ts,
  receivedAt: 1,
  exportWh: ts % 2 === 0 ? 5 : undefined,
  powerW: 1.5,
});

describe('spool', () => {
  it('hands back what was appended, oldest first, and forgets it once removed', () => {
    const spool = openSpool(tempFile());
    const rej = makeRejection({
      reason: 'invalid_json',
      detail: 'x',
      meterId: 'm',
      topic: 'meters/m/readings',
      payload: '{',
      receivedAt: 1,
    });
    spool.append([reading(1), reading(2)], [rej]);
    spool.append([reading(3)], []);
    expect(spool.depth()).toBe(3);
    expect(spool.pending()).toBe(4);
    const first = spool.peek(2);
    expect(first.readings.map((r) => r.ts)).toEqual([1, 2]);
    expect(first.readings[0]).toMatchObject({
      meterId: 'm',
      importWh: 1,
      exportWh: undefined,
      powerW: 1.5,
      receivedAt: 1,
    });
    expect(first.readings[1]?.exportWh).toBe(5);
    expect(first.rejections).toEqual([{ ...rej, seq: 1 }]);
    spool.remove(first);
    expect(spool.depth()).toBe(1);
    expect(spool.peek(10).readings.map((r) => r.ts)).toEqual([3]);
    spool.close();
  });

  it('survives a reopen: what was not removed is replayed, with the same instance id', () => {
    const file = tempFile();
    const a = openSpool(file);
    a.append([reading(1), reading(2)], []);
    const id = a.instanceId;
    a.close();
    const b = openSpool(file, 'full');
    expect(b.depth()).toBe(2);
    expect(b.instanceId).toBe(id);
    expect(b.peek(10).readings.map((r) => r.ts)).toEqual([1, 2]);
    b.close();
  });

  it('belongs to one process: a second opener of the same file is refused', () => {
    const file = tempFile();
    const a = openSpool(file);
    a.append([reading(1)], []);
    expect(() => openSpool(file).depth()).toThrow(/locked|busy/i);
    a.close();
  });

  it('checkpoints on demand without losing entries', () => {
    const file = tempFile();
    const a = openSpool(file);
    a.append([reading(1), reading(2)], []);
    a.checkpoint(true);
    a.remove(a.peek(1));
    a.checkpoint(true);
    a.close();
    expect(
      openSpool(file)
        .peek(10)
        .readings.map((r) => r.ts),
    ).toEqual([2]);
  });
});
