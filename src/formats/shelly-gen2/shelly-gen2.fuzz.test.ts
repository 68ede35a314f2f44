import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormatResult } from '../device-format.js';
import {
  FUZZ_SEED as SEED,
  RECEIVED,
  anyPayload,
  deeplyNested,
  fixturesOf,
  parseMessage,
  expectWellFormed as expectFormatResult,
} from '../shared/format-result.test-support.js';
import { shellyGen2Format, type ShellyGen2Source } from './shelly-gen2.js';

const fixtures = fixturesOf('shelly-gen2', '.json');

const parse = (topic: string, payload: Buffer, source: ShellyGen2Source) =>
  parseMessage(shellyGen2Format, {
    topic,
    payload,
    meter: { id: 'plug-1', timezone: 'Europe/Paris', source },
  });

/** A status, or a notification without ts, is read at receipt. */
const expectWellFormed = (res: FormatResult) => expectFormatResult(res, { receivedAt: RECEIVED });

const topics = fc.oneof(
  fc.constantFrom(
    'shellyplus1pm-x/events/rpc',
    'p/status/switch:0',
    'p/status/emdata:1',
    'p/online',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const sources = fc.constantFrom<ShellyGen2Source>(
  {},
  { component: 'switch:0' },
  { component: 'emdata:0' },
  { component: 'em1data:1' },
);
const number = fc.oneof(
  { arbitrary: fc.double({ min: 0, max: 1e12, noNaN: true }), weight: 6 },
  { arbitrary: fc.oneof(fc.double(), fc.integer(), fc.constant(-0), fc.maxSafeNat()), weight: 1 },
);
const counter = fc.oneof(
  { arbitrary: fc.record({ total: number }), weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
const component = fc.record(
  {
    id: fc.nat({ max: 3 }),
    aenergy: counter,
    ret_aenergy: counter,
    apower: fc.oneof(number, fc.constant(null), fc.string()),
    total_act: number,
    total_act_ret: number,
    total_act_energy: number,
    act_power: number,
    total_act_power: number,
  },
  { requiredKeys: [] },
);
const part = fc.oneof(
  { arbitrary: component, weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
const notification = fc
  .record(
    {
      method: fc.oneof(
        { arbitrary: fc.constantFrom('NotifyStatus', 'NotifyFullStatus'), weight: 6 },
        { arbitrary: fc.constantFrom('NotifyEvent', 7), weight: 1 },
      ),
      params: fc.record(
        {
          ts: fc.oneof(number, fc.string()),
          'switch:0': part,
          'pm1:0': part,
          'emdata:0': part,
          'em:0': part,
          'em1data:1': part,
          'em1:1': part,
          sys: part,
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['method'] },
  )
  .map((msg) => Buffer.from(JSON.stringify(msg)));

describe('shelly-gen2 parse is total', () => {
  it('ends any bytes on any topic in a reading or a rejection, never an exception', () => {
    fc.assert(
      fc.property(
        topics,
        anyPayload(fc.constant(Buffer.from(deeplyNested(['$'])[0]!))),
        sources,
        (topic, payload, source) => expectWellFormed(parse(topic, payload, source)),
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reads random notification shapes into integer registers or a rejection', () => {
    let readings = 0;
    fc.assert(
      fc.property(notification, sources, (payload, source) => {
        const res = parse('shellypro3em-x/events/rpc', payload, source);
        expectWellFormed(res);
        if (res.ok) readings++;
      }),
      { seed: SEED, numRuns: 600 },
    );
    // The shapes reach the reading path, not only the rejections.
    expect(readings).toBeGreaterThan(20);
    expect(({} as Record<string, unknown>)['switch:0']).toBeUndefined();
  });

  it('never throws on fixtures with one byte changed', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('aiida/x/events/rpc', 'shellies/plus1pm/status/switch:0'),
        (which, at, byte, topic) => {
          const bytes = Buffer.from(fixtures[which]!);
          bytes[at % bytes.length] = byte;
          expectWellFormed(parse(topic, bytes, {}));
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});
