import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormatResult } from '../device-format.js';
import {
  FUZZ_SEED as SEED,
  anyPayload,
  deeplyNested,
  expectWellFormed as expectFormatResult,
  fixturesOf,
} from '../shared/format-result.test-support.js';
import { RECEIVED, parse } from './tasmota.test-support.js';

/** A TIC frame's registers, when kept, add up to importWh; a reading without a time is at receipt. */
const expectWellFormed = (res: FormatResult) =>
  expectFormatResult(res, { registersAddUp: true, receivedAt: RECEIVED });

// Mostly values a device could send, some that it could not.
const number = fc.oneof(
  { arbitrary: fc.nat(), weight: 4 },
  { arbitrary: fc.stringMatching(/^\d{1,9}(\.\d{1,4})?$/), weight: 2 },
  { arbitrary: fc.double({ min: 0, max: 1e9, noNaN: true }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      -1,
      Number.MAX_VALUE,
      Number.MAX_SAFE_INTEGER + 2,
      0.0005,
      128.0245,
      null,
      true,
      '',
      'x',
      [],
      {},
      [1, 2],
      '1e999999999',
    ),
    weight: 1,
  },
  { arbitrary: fc.double(), weight: 1 },
);
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'Total'),
  fc.string({ maxLength: 8 }),
);
const time = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '2026-11-29T18:15:00',
      '2026-10-25T02:30:00',
      '2026-03-29T02:30:00',
      '1970-01-01T00:00:12',
      '2026-11-29T18:15:00+01:00',
      '2026-11-29T18:15:00.123',
      '2026-02-30T10:00:00',
      '9999-12-31T23:59:59.999999999-23:59',
    ),
    weight: 6,
  },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
);
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });
const ticLabel = fc.constantFrom(
  'OPTARIF',
  'BASE',
  'HCHC',
  'HCHP',
  'EJPHN',
  'EJPHPM',
  'BBRHCJB',
  'BBRHPJR',
  'EAST',
  'EASF01',
  'EASF02',
  'EAIT',
  'PAPP',
);
const optarif = fc.constantFrom('BASE', 'HC..', 'EJP.', 'BBR(', 'BBRx', 'ZZZ.', 3);
const tic = fc.oneof(
  {
    arbitrary: fc.record(
      { OPTARIF: optarif, BASE: number, HCHC: number, HCHP: number },
      {
        requiredKeys: ['OPTARIF'],
      },
    ),
    weight: 3,
  },
  {
    arbitrary: fc.record(
      { EAST: number, EASF01: number, EASF02: number, EAIT: number },
      {
        requiredKeys: ['EAST'],
      },
    ),
    weight: 3,
  },
  { arbitrary: fc.dictionary(ticLabel, fc.oneof(number, optarif)), weight: 2 },
  { arbitrary: fc.constantFrom(null, 3, 'TIC'), weight: 1 },
);
const energy = fc.oneof(
  {
    arbitrary: fc.record(
      {
        Total: fc.oneof(
          { arbitrary: number, weight: 6 },
          { arbitrary: fc.array(number), weight: 1 },
        ),
        Power: fc.oneof(number, fc.array(number, { maxLength: 10 })),
        ExportActive: fc.oneof(number, fc.array(number, { maxLength: 10 })),
        TotalStartTime: fc.oneof(fc.string({ maxLength: 70 }), number),
      },
      { requiredKeys: ['Total'] },
    ),
    weight: 6,
  },
  { arbitrary: fc.dictionary(key, number), weight: 1 },
  { arbitrary: fc.constantFrom(null, 0, 'ENERGY'), weight: 1 },
);
const sml = fc.oneof(
  fc.record({ Total_in: number, Total_out: number, Power_curr: number }, { requiredKeys: [] }),
  fc.dictionary(key, number),
);
const message = fc.record({
  Time: fc.option(time, { nil: undefined, freq: 8 }),
  Epoch: rarely(fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.double(), fc.string())),
  TIC: rarely(tic),
  ENERGY: fc.option(energy, { nil: undefined, freq: 6 }),
  SML: rarely(sml),
});
const source = fc.oneof(
  { arbitrary: fc.constant({}), weight: 6 },
  { arbitrary: fc.constant({ sensor: 'SML' }), weight: 3 },
  {
    arbitrary: fc.constant({ sensor: 'SML', energyUnit: 'Wh', fields: { import: 'Total_out' } }),
    weight: 1,
  },
  { arbitrary: fc.constant({ sensor: '__proto__' }), weight: 1 },
  { arbitrary: fc.constant({ fields: {} }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
const timezone = fc.constantFrom(
  'Europe/Paris',
  'Europe/Paris',
  'UTC',
  'America/St_Johns',
  'Not/AZone',
);

describe('tasmota parse is total', () => {
  it('ends any bytes in a reading or a rejection, never an exception', () => {
    fc.assert(
      fc.property(anyPayload(), source, (payload, src) =>
        expectWellFormed(parse(payload, { source: src as Record<string, unknown> })),
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('ends random SENSOR-shaped messages in integer registers or a known rejection', () => {
    const outcomes: Record<string, number> = {};
    fc.assert(
      fc.property(message, source, timezone, (body, src, tz) => {
        const res = parse(body, { timezone: tz, source: src as Record<string, unknown> });
        expectWellFormed(res);
        const outcome = res.ok ? 'reading' : res.reason;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    // The shapes reach every branch: readings as well as each kind of refusal.
    for (const outcome of ['reading', 'no_reading', 'invalid_schema', 'invalid_local_time']) {
      expect(outcomes[outcome] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(0);
    }
  });

  it('survives deep nesting and mangled fixtures', () => {
    for (const payload of [
      ...deeplyNested([
        '$',
        '{"TIC":$}',
        '{"ENERGY":{"Total":$,"Power":$}}',
        '{"Time":$,"ENERGY":{"Total":1}}',
        '{"SML":{"Total_in":$}}',
      ]),
      '{"ENERGY":{"Total":1e400,"Power":-1e400}}',
      '{"ENERGY":{"Total":9007199254740993}}',
      '{"TIC":{"OPTARIF":"HC..","HCHC":9007199254740991,"HCHP":9007199254740991}}',
      '{"SML":{"Total_in":"1e999999999","Power_curr":"1e999999999"}}',
    ]) {
      expectWellFormed(parse(payload, { source: { sensor: 'SML' } }));
      expectWellFormed(parse(payload));
    }
    // Every file of the fixture folder, its README included.
    const fixtures = fixturesOf('tasmota', '');
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 4 }),
        (original, at, bytes) => {
          const cut = at % original.length;
          const mangled = Buffer.concat([
            original.subarray(0, cut),
            Buffer.from(bytes),
            original.subarray(cut + bytes.length),
          ]);
          expectWellFormed(parse(mangled, { source: { sensor: 'SML' } }));
          expectWellFormed(parse(mangled));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
