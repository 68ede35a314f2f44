import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { parseTotally } from './parse-totally.js';
import { receiveMessage } from './receive.js';
import { openSpool } from './spool.js';

const topic = 'meters/m-1/readings';
const payload = Buffer.from('{"ts":0,"importWh":1}');

describe('parseTotally', () => {
  it('turns a parser that throws into an internal_error rejection with the raw payload', () => {
    const res = parseTotally(topic, payload, 42, () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(res.readings).toEqual([]);
    expect(res.rejections).toMatchObject([
      {
        reason: 'internal_error',
        detail: expect.stringContaining('RangeError: Maximum call stack size exceeded'),
        topic,
        payload: payload.toString(),
        payloadBytes: payload.length,
        receivedAt: 42,
      },
    ]);
  });

  it('survives errors that cannot even be described', () => {
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    const res = parseTotally(topic, payload, 0, () => {
      throw hostile;
    });
    expect(res.rejections[0]?.reason).toBe('internal_error');
  });
});

describe('receiveMessage', () => {
  const deps = (spool = openSpool(':memory:')) => ({
    spool,
    clock: { now: () => 0 },
    metrics: createMetrics(),
    onSpooled: () => undefined,
  });

  it('spools an internal_error instead of throwing', () => {
    const d = deps();
    receiveMessage(
      {
        ...d,
        parse: () => {
          throw new Error('boom');
        },
      },
      topic,
      payload,
    );
    expect(d.spool.peek(10).rejections.map((r) => r.reason)).toEqual(['internal_error']);
    d.spool.close();
  });

  it('still throws when the spool cannot append, so the message is redelivered', () => {
    const spool = openSpool(':memory:');
    spool.close();
    expect(() => receiveMessage(deps(spool), topic, payload)).toThrow();
  });
});
