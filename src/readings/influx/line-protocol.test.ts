import { describe, expect, it } from 'vitest';
import { encodeReading, encodeReadings, escapeTagValue } from './line-protocol.js';

const base = { meterId: 'm-1', ts: 1764440100000, importWh: 123, receivedAt: 1764440100250 };

describe('encodeReading', () => {
  it.each([
    [
      'required fields only',
      base,
      'meter_reading,meter_id=m-1 import_wh=123i,received_at=1764440100250i 1764440100000',
    ],
    [
      'all fields',
      { ...base, exportWh: 7, powerW: 850.5 },
      'meter_reading,meter_id=m-1 import_wh=123i,export_wh=7i,power_w=850.5,received_at=1764440100250i 1764440100000',
    ],
    [
      'integral power stays a float (no i)',
      { ...base, powerW: 850 },
      'meter_reading,meter_id=m-1 import_wh=123i,power_w=850,received_at=1764440100250i 1764440100000',
    ],
    [
      'zeros are written, not dropped',
      { ...base, importWh: 0, exportWh: 0, powerW: 0 },
      'meter_reading,meter_id=m-1 import_wh=0i,export_wh=0i,power_w=0,received_at=1764440100250i 1764440100000',
    ],
    [
      'negative zero power',
      { ...base, powerW: -0 },
      'meter_reading,meter_id=m-1 import_wh=123i,power_w=0,received_at=1764440100250i 1764440100000',
    ],
    [
      'negative and tiny power',
      { ...base, powerW: -1e-7 },
      'meter_reading,meter_id=m-1 import_wh=123i,power_w=-1e-7,received_at=1764440100250i 1764440100000',
    ],
    [
      'explicit undefined optional fields',
      { ...base, exportWh: undefined, powerW: undefined },
      'meter_reading,meter_id=m-1 import_wh=123i,received_at=1764440100250i 1764440100000',
    ],
    [
      'dots and underscores in meter id',
      { ...base, meterId: 'site.A_01' },
      'meter_reading,meter_id=site.A_01 import_wh=123i,received_at=1764440100250i 1764440100000',
    ],
  ])('%s', (_name, reading, line) => {
    expect(encodeReading(reading)).toBe(line);
  });

  it.each([
    ['fractional import', { ...base, importWh: 1.5 }],
    ['fractional export', { ...base, exportWh: 2.5 }],
    ['unsafe integer import', { ...base, importWh: 2 ** 53 }],
    ['NaN power', { ...base, powerW: Number.NaN }],
    ['infinite power', { ...base, powerW: Number.POSITIVE_INFINITY }],
    ['fractional ts', { ...base, ts: 1.5 }],
    ['fractional receivedAt', { ...base, receivedAt: 0.5 }],
    ['empty meter id', { ...base, meterId: '' }],
    ['newline in meter id', { ...base, meterId: 'a\nb' }],
  ])('refuses %s', (_name, reading) => {
    expect(() => encodeReading(reading)).toThrow(/line protocol/);
  });
});

describe('escapeTagValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a b', 'a\\ b'],
    ['a=b', 'a\\=b'],
    [',= ', '\\,\\=\\ '],
    ["quote'd", "quote'd"],
  ])('%j -> %j', (input, output) => {
    expect(escapeTagValue(input)).toBe(output);
  });

  it('refuses backslashes, which 1.x would store verbatim', () => {
    expect(() => escapeTagValue('a\\b')).toThrow(TypeError);
  });
});

describe('encodeReadings', () => {
  it('joins lines with newlines and encodes nothing for an empty batch', () => {
    expect(encodeReadings([base, { ...base, ts: base.ts + 1 }]).split('\n')).toHaveLength(2);
    expect(encodeReadings([])).toBe('');
  });
});
