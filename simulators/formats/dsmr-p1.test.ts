import { describe, expect, it } from 'vitest';
import { crc16Arc, crcText } from '../../src/formats/dsmr-p1/crc16.js';
import {
  AUTUMN_CHANGE,
  deviceFor,
  expectExactRoundTrip,
  expectMalformedRejected,
  readingsOver,
  sampleMeters,
  sampleReadings,
} from './render.test-support.js';

const { plain, solar } = sampleMeters();

describe('dsmr-p1 rendering', () => {
  it.each([
    ['a plain home', plain],
    ['a solar home', solar],
  ])('parses back to the simulated registers exactly (%s)', (_name, meter) => {
    const device = deviceFor('dsmr-p1', meter.meterId);
    for (const m of expectExactRoundTrip(meter, device, sampleReadings(meter), true))
      expect(m.outcome).toMatchObject({ kind: 'stored', tsSource: 'meter' });
  });

  it('ends every telegram with the CRC16 of its bytes from / to !, lines ending in CRLF', () => {
    const device = deviceFor('dsmr-p1', solar.meterId);
    for (const m of expectExactRoundTrip(solar, device, sampleReadings(solar), false)) {
      const bang = m.payload.indexOf('!');
      expect(m.payload.slice(bang + 1)).toBe(
        `${crcText(crc16Arc(Buffer.from(m.payload.slice(0, bang + 1), 'latin1')))}\r\n`,
      );
      expect(m.payload.slice(0, bang).split('\r\n').at(-1)).toBe('');
      expect(m.payload.slice(0, bang)).not.toMatch(/[^\r]\n/);
    }
  });

  it('tells the two passes of the repeated autumn hour apart with the S/W flag', () => {
    const readings = readingsOver(plain, AUTUMN_CHANGE - 3_600_000, AUTUMN_CHANGE + 45 * 60_000);
    const device = deviceFor('dsmr-p1', plain.meterId);
    const clocks = expectExactRoundTrip(plain, device, readings, false).map(
      (m) => /0-0:1\.0\.0\((\d{12}[SW])\)/.exec(m.payload)?.[1],
    );
    expect(clocks).toEqual([
      '261025020000S',
      '261025021500S',
      '261025023000S',
      '261025024500S',
      '261025020000W',
      '261025021500W',
      '261025023000W',
      '261025024500W',
    ]);
  });

  it('breaks telegrams the way the parser rejects them: a changed digit fails the CRC', () => {
    const device = deviceFor('dsmr-p1', plain.meterId);
    expect(expectMalformedRejected(plain, device, sampleReadings(plain))).toEqual(
      new Set(['invalid_checksum', 'invalid_schema']),
    );
  });
});
