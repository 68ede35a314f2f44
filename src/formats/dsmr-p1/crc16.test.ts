import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Arc, crcText } from './crc16.js';

/** CRC-16/ARC bit by bit, as the standard defines it: the table must give the same. */
function bitwise(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

describe('crc16Arc', () => {
  it('gives the check value of CRC-16/ARC', () => {
    expect(crcText(crc16Arc(Buffer.from('123456789', 'latin1')))).toBe('BB3D');
  });

  it('agrees with the bit-by-bit definition on any bytes and range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        expect(crc16Arc(bytes, start, end)).toBe(bitwise(bytes, start, end));
      }),
      { numRuns: 2000, seed: 20261206 },
    );
  });
});
