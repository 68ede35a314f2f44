import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { markerOf } from './counter-spans.js';
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
  it('keeps a device reading’s time source and registers, and opens a spool written before them', () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(`CREATE TABLE reading (seq INTEGER PRIMARY KEY, meter_id TEXT NOT NULL, ts INTEGER NOT NULL,
      import_wh INTEGER NOT NULL, export_wh INTEGER, power_w REAL, received_at INTEGER NOT NULL)`);
    old
      .prepare('INSERT INTO reading (meter_id, ts, import_wh, received_at) VALUES (?, ?, ?, ?)')
      .run('m', 1, 1, 1);
    old.close();
    const spool = openSpool(file);
    const device = {
      ...reading(2),
      tsSource: 'received' as const,
      registers: { HCHC: 1, HCHP: 1 },
    };
    spool.append([device], []);
    const got = spool.peek(10).readings;
    expect(got.map((r) => r.ts)).toEqual([1, 2]);
    expect(got[0]?.tsSource).toBeUndefined();
    expect(got[0]?.registers).toBeUndefined();
    expect(got[1]).toMatchObject({ tsSource: 'received', registers: { HCHC: 1, HCHP: 1 } });
    spool.close();
  });

  it('keeps a device’s counter marker, alone or with a span, and reads spools that kept it as JSON', () => {
    const file = tempFile();
    const spool = openSpool(file);
    const span = { event: 'reset' as const, importOffsetWh: 7, counterStart: 'B' };
    spool.append(
      [
        { ...reading(1), span: { counterStart: 'A' } },
        { ...reading(2), span },
      ],
      [],
    );
    spool.close();
    // A spool written before the marker had its column kept it inside the JSON of `extra`.
    const old = new Database(file);
    old
      .prepare(
        'INSERT INTO reading (meter_id, ts, import_wh, received_at, extra) VALUES (?, ?, ?, ?, ?)',
      )
      .run('m', 3, 3, 1, JSON.stringify({ span: { counterStart: 'C' } }));
    old.close();
    const reopened = openSpool(file);
    const back = reopened.peek(10).readings;
    expect(back.map(markerOf)).toEqual(['A', 'B', 'C']);
    // The marker is held beside the reading, its span keeps the rest.
    expect(back.map((r) => r.span)).toEqual([
      undefined,
      { event: 'reset', importOffsetWh: 7 },
      { counterStart: 'C' },
    ]);
    reopened.close();
  });

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
