import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormatResult } from '../device-format.js';
import {
  FUZZ_SEED as SEED,
  RECEIVED,
  anyPayload,
  fixturesOf,
  parseMessage,
  expectWellFormed as expectFormatResult,
} from '../shared/format-result.test-support.js';
import { crc16Arc, crcText } from './crc16.js';
import { dsmrP1Format } from './dsmr-p1.js';

const fixtures = fixturesOf('dsmr-p1', '.txt');

const parse = (payload: Buffer, timezone = 'Europe/Amsterdam') =>
  parseMessage(dsmrP1Format, {
    topic: 'dsmr/raw',
    payload,
    encoding: 'latin1',
    meter: { id: 'p1-1', timezone, source: {} },
  });

/** importWh is the sum of the registers read; a telegram without a clock line is at receipt. */
const expectWellFormed = (res: FormatResult) =>
  expectFormatResult(res, { registersAddUp: true, receivedAt: RECEIVED });

const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.nat({ max: 3 }))
  .map(([n, places]) => {
    const digits = n.toString().padStart(places + 1, '0');
    return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  });
const wellFormed = fc.oneof(
  fc
    .tuple(fc.constantFrom('1-0:1.8.', '1-0:2.8.'), fc.nat({ max: 4 }), decimal)
    .chain(([obis, n, value]) =>
      fc.constantFrom('*kWh', '*Wh').map((unit) => `${obis}${n}(${value}${unit})`),
    ),
  fc
    .tuple(fc.constantFrom('1-0:1.7.0', '1-0:2.7.0'), decimal, fc.constantFrom('*kW', '*W'))
    .map(([obis, value, unit]) => `${obis}(${value}${unit})`),
  fc
    .date({
      min: new Date(Date.UTC(2000, 0, 1)),
      max: new Date(Date.UTC(2069, 11, 31)),
      noInvalidDate: true,
    })
    .chain((d) =>
      fc.constantFrom('S', 'W', '').map((x) => {
        const two = (n: number) => String(n).padStart(2, '0');
        const t = [
          d.getUTCFullYear() % 100,
          d.getUTCMonth() + 1,
          d.getUTCDate(),
          d.getUTCHours(),
          d.getUTCMinutes(),
          d.getUTCSeconds(),
        ];
        return `0-0:1.0.0(${t.map(two).join('')}${x})`;
      }),
    ),
  fc.constantFrom(
    '0-0:96.14.0(0002)',
    '1-0:32.7.0(230.0*V)',
    '0-1:24.2.1(170102161005W)(00000.107*m3)',
  ),
);
const malformed = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('1-0:1.8.', '1-0:2.8.', '1-0:1.7.', '1-0:2.7.', '1-0:21.7.'),
      fc.nat({ max: 12 }),
      fc.oneof(fc.stringMatching(/^-?\d{0,12}(\.\d{0,9})?$/), fc.string({ maxLength: 12 })),
      fc.constantFrom('*kWh', '*Wh', '*kW', '*W', '*MWh', '', '*kwh'),
    )
    .map(([obis, n, value, unit]) => `${obis}${n}(${value}${unit})`),
  fc
    .tuple(fc.stringMatching(/^\d{12}$/), fc.constantFrom('S', 'W', '', 'X'))
    .map(([t, x]) => `0-0:1.0.0(${t}${x})`),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const obisLine = fc.oneof(
  { arbitrary: wellFormed, weight: 12 },
  { arbitrary: malformed, weight: 1 },
);

describe('dsmr-p1 parse is total', () => {
  it('ends any bytes in a reading or a rejection, never an exception', () => {
    fc.assert(
      fc.property(
        anyPayload(
          fc.string({ unit: 'binary' }).map((s) => Buffer.from(`/${s}!`, 'utf8')),
          fc.constant(Buffer.alloc(70 * 1024, '/')),
        ),
        fc.constantFrom('Europe/Amsterdam', 'UTC', 'Not/AZone'),
        (payload, zone) => expectWellFormed(parse(payload, zone)),
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reads telegrams of random OBIS lines, with and without a valid CRC', () => {
    let readings = 0;
    fc.assert(
      fc.property(
        fc.array(obisLine, { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        (lines, withCrc, lf) => {
          const body = `/TST5\\2FUZZ\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`;
          const crc = withCrc ? crcText(crc16Arc(Buffer.from(body, 'latin1'))) : '';
          const text = `${body}${crc}\r\n`;
          const res = parse(Buffer.from(lf ? text.replace(/\r\n/g, '\n') : text, 'latin1'));
          expectWellFormed(res);
          if (res.ok) readings++;
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
    // The shapes reach the reading path, not only the rejections.
    expect(readings).toBeGreaterThan(20);
  });

  it('never throws on fixtures with one byte changed, and a changed CRC-covered byte is caught', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (which, at, byte) => {
          const original = fixtures[which]!;
          const bytes = Buffer.from(original);
          const index = at % bytes.length;
          bytes[index] = byte;
          const res = parse(bytes);
          expectWellFormed(res);
          const bang = original.indexOf('!');
          const crcCovered = /^[0-9A-F]{4}/.test(original.toString('latin1', bang + 1, bang + 5));
          if (crcCovered && index < bang && byte !== original[index] && byte !== 0x21) {
            expect(res.ok).toBe(false);
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});
