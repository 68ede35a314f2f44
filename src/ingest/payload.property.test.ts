import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adversarialMessages,
  GHOST_PREFIX,
  nestedArray,
} from '../../test/ingest/adversarial-payloads.js';
import { MAX_READINGS_PER_MESSAGE, parseMessage, type ParsedMessage } from './payload.js';
import { MAX_REJECTED_PAYLOAD, REJECTION_REASONS } from './rejection.js';

const seed = 20261129;
const at = Date.UTC(2026, 10, 29, 18, 20);

/** What must hold of any outcome: every rejection explained, its payload cut from the bytes. */
function expectWellFormed(res: ParsedMessage, payload: Buffer): void {
  for (const r of res.rejections) {
    expect(REJECTION_REASONS).toContain(r.reason);
    expect(r.detail.length).toBeGreaterThan(0);
    expect(r.payloadBytes).toBeLessThanOrEqual(payload.length);
    expect(Buffer.byteLength(r.payload)).toBeLessThanOrEqual(3 * MAX_REJECTED_PAYLOAD);
    expect(r.receivedAt).toBe(at);
  }
}

describe('parseMessage is total', () => {
  it('ends any bytes on any topic in readings or rejections, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant('meters/m-1/readings'),
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 20 }).map((id) => `meters/${id}/readings`),
        ),
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
          fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
        ),
        (topic, payload) => {
          const res = parseMessage(topic, payload, at);
          expect(res.readings.length + res.rejections.length).toBeGreaterThan(0);
          expectWellFormed(res, payload);
        },
      ),
      { seed, numRuns: 500 },
    );
  });

  it('turns every adversarial message into exactly one rejection', () => {
    fc.assert(
      fc.property(adversarialMessages('m-1'), ({ topic, payload }) => {
        const res = parseMessage(topic, payload, at);
        expectWellFormed(res, payload);
        if (topic.startsWith(`meters/${GHOST_PREFIX}`)) {
          // A valid reading for a meter that does not exist: the flusher rejects it.
          expect(res.rejections).toEqual([]);
          expect(res.readings).toHaveLength(1);
        } else {
          expect(res.readings).toEqual([]);
          expect(res.rejections).toHaveLength(1);
        }
      }),
      { seed, numRuns: 300 },
    );
    // Keys from the payload never reach a prototype.
    expect(({} as Record<string, unknown>).importWh).toBeUndefined();
  });

  it('accounts for every element of an array, one reading or one rejection each', () => {
    const element = fc.oneof(
      fc.record({ ts: fc.nat({ max: 8.64e15 }), importWh: fc.maxSafeNat() }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 50 }), (arr) => {
        const payload = Buffer.from(JSON.stringify(arr));
        const res = parseMessage('meters/m-1/readings', payload, at);
        expect(res.readings.length + res.rejections.length).toBe(arr.length);
        for (const r of res.rejections) expect(payload.toString()).toContain(r.payload);
      }),
      { seed, numRuns: 200 },
    );
  });

  it.each([5_000, 100_000])(
    'rejects a %i-deep nested array with its own bytes instead of overflowing the stack',
    (depth) => {
      const text = nestedArray(depth);
      const res = parseMessage('meters/m-1/readings', Buffer.from(text), at);
      expect(res.readings).toEqual([]);
      expect(res.rejections).toHaveLength(1);
      expect(res.rejections[0]).toMatchObject({
        reason: 'invalid_schema',
        payload: text.slice(1, -1).slice(0, MAX_REJECTED_PAYLOAD),
        payloadBytes: text.length - 2,
      });
    },
  );

  it('rejects a deep element of an array with that element only', () => {
    const deep = nestedArray(20_000);
    const res = parseMessage(
      'meters/m-1/readings',
      Buffer.from(`[{"ts":0,"importWh":1}, ${deep} ]`),
      at,
    );
    expect(res.readings).toHaveLength(1);
    expect(res.rejections.map((r) => [r.reason, r.detail.slice(0, 4), r.payloadBytes])).toEqual([
      ['invalid_schema', '[1] ', deep.length],
    ]);
  });

  it('rejects an array one element too long as a whole', () => {
    const arr = Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, (_, i) => ({
      ts: i,
      importWh: i,
    }));
    const res = parseMessage('meters/m-1/readings', Buffer.from(JSON.stringify(arr)), at);
    expect(res.rejections.map((r) => r.reason)).toEqual(['invalid_schema']);
  });
});
