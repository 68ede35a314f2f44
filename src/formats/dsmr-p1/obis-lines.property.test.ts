import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED as SEED } from '../shared/format-result.test-support.js';
import { readObisLines, type ObisResult } from './obis-lines.js';

// The plain reading the line reader must agree with: split the body at CRLF, LF or CR, then match
// each line from its start with patterns.
const ELECTRICITY = /^1-0:([12])\.([78])\.(\d{1,2})\(([^)]*)\)/;
const TIME = /^0-0:1\.0\.0\(([^)]*)\)/;

function plainReading(body: string): ObisResult {
  const imports = new Map<string, string>();
  const exports = new Map<string, string>();
  let powerIn: string | undefined;
  let powerOut: string | undefined;
  let time: string | undefined;
  const twice = (obis: string): ObisResult => ({
    ok: false,
    detail: `${obis}: the line appears more than once`,
  });
  for (const line of body.split(/\r\n|\n|\r/)) {
    const t = TIME.exec(line);
    if (t !== null) {
      if (time !== undefined) return twice('0-0:1.0.0');
      time = t[1]!;
      continue;
    }
    const m = ELECTRICITY.exec(line);
    if (m === null) continue;
    const [, direction, kind, index, value] = m as unknown as string[];
    const name = `${direction}.${kind}.${Number(index)}`;
    if (kind === '8') {
      const registers = direction === '1' ? imports : exports;
      if (registers.has(name)) return twice(`1-0:${name}`);
      registers.set(name, value!);
    } else if (index === '0') {
      if (direction === '1') {
        if (powerIn !== undefined) return twice('1-0:1.7.0');
        powerIn = value;
      } else {
        if (powerOut !== undefined) return twice('1-0:2.7.0');
        powerOut = value;
      }
    }
  }
  return { ok: true, values: { imports, exports, powerIn, powerOut, time } };
}

// Lines near the ones read: right and wrong prefixes, one to three index digits, values with and
// without their closing parenthesis, line ends of every kind (and none) in between.
const value = fc.string({
  unit: fc.constantFrom('0', '5', '.', '*', 'k', 'W', 'h', ')', '(', ' ', 'S'),
});
const readLine = fc
  .tuple(
    fc.constantFrom('1-0:1.8.', '1-0:2.8.', '1-0:1.7.', '1-0:2.7.', '0-0:1.0.'),
    fc.constantFrom('0', '1', '2', '01', '10', '99', '123'),
    value,
    fc.constantFrom(')', '', ')(01)'),
  )
  .map(([obis, n, v, close]) => `${obis}${n}(${v}${close}`);
const nearLine = fc
  .tuple(
    fc.constantFrom('1-0:', '0-0:', '1-1:', '', '0-1:'),
    fc.constantFrom('1', '2', '3', '0', ''),
    fc.constantFrom('.', ':', ''),
    fc.constantFrom('7', '8', '0', '9'),
    fc.constantFrom('.', ''),
    fc.constantFrom('0', '1', '2', '01', '10', '123', '', '0.0'),
    fc.constantFrom('(', ')', ''),
    value,
    fc.constantFrom(')', '', ')(01)'),
  )
  .map((parts) => parts.join(''));
const line = fc.oneof(readLine, nearLine);
const body = fc
  .array(fc.tuple(line, fc.constantFrom('\r\n', '\n', '\r', '', '\n\r')), { maxLength: 10 })
  .map((lines) => `/ISK5\\2M550T-1012\r\n\r\n${lines.map(([l, end]) => l + end).join('')}`);

describe('reading the OBIS lines of a telegram body', () => {
  it('agrees with splitting the body in lines and matching each', () => {
    fc.assert(
      fc.property(body, (text) => {
        expect(readObisLines(text)).toEqual(plainReading(text));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('reads the lines of a DSMR 5 telegram, CRLF or LF', () => {
    const text = [
      '/ISK5\\2M550T-1012',
      '',
      '0-0:1.0.0(190117220540W)',
      '1-0:1.8.1(000595.432*kWh)',
      '1-0:1.8.2(000571.090*kWh)',
      '1-0:2.8.1(000000.000*kWh)',
      '1-0:2.8.2(000000.000*kWh)',
      '1-0:1.7.0(00.179*kW)',
      '1-0:2.7.0(00.000*kW)',
      '1-0:32.7.0(230.0*V)',
      '',
    ].join('\r\n');
    for (const b of [text, text.replace(/\r\n/g, '\n')])
      expect(readObisLines(b)).toEqual(plainReading(b));
    expect(readObisLines(text)).toMatchObject({
      ok: true,
      values: { time: '190117220540W', powerIn: '00.179*kW', powerOut: '00.000*kW' },
    });
  });
});
