import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonObjectPayload } from './json-payload.js';

/** What the payload reader did when it decoded with a strict TextDecoder: the same answers. */
function reference(payload: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return 'invalid_json: payload is not UTF-8';
  }
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? JSON.stringify(body)
      : 'invalid_schema';
  } catch {
    return 'invalid_json';
  }
}

const answer = (payload: Buffer): string => {
  const r = jsonObjectPayload(payload, 'a test object');
  if (r.ok) return JSON.stringify(r.value);
  return r.detail === 'payload is not UTF-8' ? `${r.reason}: ${r.detail}` : r.reason;
};

describe('jsonObjectPayload decoding', () => {
  it('reads UTF-8 as a strict TextDecoder does: a leading BOM dropped, any bad byte refused', () => {
    for (const payload of [
      Buffer.from('\ufeff{"a":1}'),
      Buffer.from('\ufeff\ufeff{"a":1}'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xc0, 0x80]),
      Buffer.from([0xef, 0xbb]),
      Buffer.from('{"x":"é😀"}'),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.alloc(0),
    ])
      expect(answer(payload)).toBe(reference(payload));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.string(), (bytes, key) => {
        const wrapped = Buffer.concat([
          Buffer.from(`{"${key.replace(/["\\]/g, '')}":"`),
          Buffer.from(bytes),
          Buffer.from('"}'),
        ]);
        expect(answer(wrapped)).toBe(reference(wrapped));
        expect(answer(Buffer.from(bytes))).toBe(reference(Buffer.from(bytes)));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });
});
