import { describe, expect, it } from 'vitest';
import {
  deviceFor,
  expectExactRoundTrip,
  expectMalformedRejected,
  readingsOver,
  sampleMeters,
  sampleReadings,
} from './render.test-support.js';

const { plain, solar } = sampleMeters();

describe('teleinfo rendering', () => {
  it.each([
    ['a plain home', plain],
    ['a solar home', solar],
  ])('parses back to the simulated index exactly (%s)', (_name, meter) => {
    const device = deviceFor('teleinfo', meter.meterId);
    const messages = expectExactRoundTrip(meter, device, sampleReadings(meter), true);
    for (const m of messages) {
      // History mode: the BASE index only (no export register), no power, no time.
      expect(m.outcome).toMatchObject({ kind: 'stored', tsSource: 'received' });
      if (m.outcome.kind === 'stored') {
        expect(m.outcome.reading.exportWh).toBeUndefined();
        expect(m.outcome.reading.registers).toEqual({ BASE: m.outcome.reading.importWh });
      }
    }
  });

  it('writes history-mode labels as teleinfo2mqtt does: {raw, value}, PAPP in VA', () => {
    const readings = readingsOver(plain, Date.UTC(2026, 0, 15, 18), Date.UTC(2026, 0, 15, 19));
    const device = deviceFor('teleinfo', plain.meterId);
    for (const [i, m] of expectExactRoundTrip(plain, device, readings, true).entries()) {
      const frame = JSON.parse(m.payload) as Record<string, { raw: string; value: unknown }>;
      expect(Object.keys(frame)).toEqual([
        'ADCO',
        'OPTARIF',
        'ISOUSC',
        'BASE',
        'PTEC',
        'IINST',
        'IMAX',
        'PAPP',
        'HHPHC',
      ]);
      expect(frame.BASE).toEqual({
        raw: String(readings[i]!.importWh).padStart(9, '0'),
        value: readings[i]!.importWh,
      });
      expect(frame.PAPP!.raw).toMatch(/^\d{5}$/);
      expect(Number(frame.PAPP!.raw)).toBeGreaterThanOrEqual(Math.max(0, readings[i]!.powerW));
      expect(frame.ADCO!.value).toBe(Number(frame.ADCO!.raw));
      expect(m.payload).not.toMatch(/DATE|timestamp/);
    }
  });

  it('breaks payloads the way the parser rejects them', () => {
    const device = deviceFor('teleinfo', plain.meterId);
    expect(expectMalformedRejected(plain, device, sampleReadings(plain))).toEqual(
      new Set(['invalid_json', 'no_reading']),
    );
  });
});
