import { describe, expect, it } from 'vitest';
import { parseMessage } from './payload.js';

const at = Date.UTC(2026, 10, 29, 18, 20);
const topic = 'meters/m-1/readings';
const parse = (body: unknown, t = topic) =>
  parseMessage(t, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), at);

describe('parseMessage', () => {
  it('accepts one reading with RFC 3339 or epoch ms timestamps', () => {
    const a = parse({ ts: '2026-11-29T18:15:00Z', importWh: 1234567, exportWh: 0, powerW: 850.5 });
    expect(a.rejections).toEqual([]);
    expect(a.readings).toEqual([
      {
        meterId: 'm-1',
        ts: Date.UTC(2026, 10, 29, 18, 15),
        importWh: 1234567,
        exportWh: 0,
        powerW: 850.5,
        receivedAt: at,
      },
    ]);
    expect(parse({ ts: Date.UTC(2026, 10, 29, 18, 15), importWh: 1 }).readings[0]?.ts).toBe(
      Date.UTC(2026, 10, 29, 18, 15),
    );
  });

  it('accepts arrays of up to 1000 readings and refuses larger or empty ones whole', () => {
    const arr = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ts: i * 60_000, importWh: i }));
    expect(parse(arr(1000)).readings).toHaveLength(1000);
    const big = parse(arr(10_000));
    expect(big.readings).toEqual([]);
    expect(big.rejections.map((r) => r.reason)).toEqual(['invalid_schema']);
    expect(parse([]).rejections[0]?.reason).toBe('invalid_schema');
  });

  it('rejects only the bad elements of an array, each with its own payload', () => {
    const res = parse([
      { ts: 0, importWh: 1 },
      { ts: 'yesterday', importWh: 2 },
      { ts: 60_000, importWh: -1 },
      { ts: 120_000, importWh: 3 },
    ]);
    expect(res.readings.map((r) => r.importWh)).toEqual([1, 3]);
    expect(res.rejections.map((r) => [r.reason, r.detail.slice(0, 4)])).toEqual([
      ['invalid_schema', '[1] '],
      ['invalid_schema', '[2] '],
    ]);
    expect(JSON.parse(res.rejections[0]!.payload)).toEqual({ ts: 'yesterday', importWh: 2 });
  });

  it.each([
    ['not JSON', '{"ts":', 'invalid_json'],
    ['a string register', { ts: 0, importWh: 'abc' }, 'invalid_schema'],
    ['a fractional register', { ts: 0, importWh: 1.5 }, 'invalid_schema'],
    ['an unsafe integer', { ts: 0, importWh: 2 ** 53 }, 'invalid_schema'],
    ['a missing register', { ts: 0 }, 'invalid_schema'],
    ['a timestamp without zone', { ts: '2026-11-29T18:15:00', importWh: 1 }, 'invalid_schema'],
    ['a fractional epoch', { ts: 1.5, importWh: 1 }, 'invalid_schema'],
    ['a non-finite power', '{"ts":0,"importWh":1,"powerW":1e999}', 'invalid_schema'],
    ['null', 'null', 'invalid_schema'],
    [
      'a meterId that differs from the topic',
      { ts: 0, importWh: 1, meterId: 'm-2' },
      'invalid_schema',
    ],
  ])('rejects %s', (_name, body, reason) => {
    const res = parse(body);
    expect(res.readings).toEqual([]);
    expect(res.rejections).toHaveLength(1);
    expect(res.rejections[0]).toMatchObject({ reason, meterId: 'm-1', topic, receivedAt: at });
  });

  it('rejects a topic whose meter id breaks the contract', () => {
    expect(parse({ ts: 0, importWh: 1 }, 'meters/-bad/readings').rejections[0]?.reason).toBe(
      'invalid_topic',
    );
  });

  it('keeps at most 64 KiB of a rejected payload and its true size', () => {
    const huge = Buffer.alloc(1024 * 1024, 'x');
    const res = parseMessage(topic, huge, at);
    expect(res.rejections[0]?.reason).toBe('invalid_json');
    expect(res.rejections[0]?.payload.length).toBe(64 * 1024);
    expect(res.rejections[0]?.payloadBytes).toBe(1024 * 1024);
  });
});
