import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyPayload,
  deeplyNested,
  expectWellFormed,
  fixture as formatFixture,
  parseMessage,
  readingOf as reading,
  rejectionOf as rejection,
} from '../shared/format-result.test-support.js';
import { zigbee2mqttFormat } from './zigbee2mqtt.js';

const at = Date.UTC(2026, 0, 15, 10, 0, 0);
const meter = { id: 'plug-1', timezone: 'Europe/Paris', source: {} };

const fixture = (name: string): Buffer => formatFixture('zigbee2mqtt', name);

const parse = (payload: Buffer | string, receivedAt = at, topic = 'zigbee2mqtt/plug-1') =>
  parseMessage(zigbee2mqttFormat, { topic, payload, meter, receivedAt });

/** The logged Lexman plug state with `last_seen` set to a value under test. */
const seen = (lastSeen: unknown): string =>
  JSON.stringify({
    ...(JSON.parse(fixture('plug-lexman-iso8601-local.json').toString()) as object),
    last_seen: lastSeen,
  });

describe('zigbee2mqtt fixtures', () => {
  it('reads a TS011F plug with last_seen ISO_8601 (UTC)', () => {
    const res = parse(fixture('plug-ts011f-iso8601-utc.json'), at, 'zigbee2mqtt/Congélateur');
    expect(reading(res)).toEqual({
      ts: Date.UTC(2023, 11, 2, 12, 57, 28, 783), // "2023-12-02T12:57:28.783Z"
      tsSource: 'meter',
      importWh: 5630, // energy 5.63 kWh × 1000, in decimal
      powerW: 74,
    });
  });

  it('reads a Lexman plug with last_seen ISO_8601_local (+01:00)', () => {
    expect(reading(parse(fixture('plug-lexman-iso8601-local.json')))).toEqual({
      ts: Date.UTC(2024, 0, 1, 18, 10, 38), // 19:10:38+01:00
      tsSource: 'meter',
      importWh: 73_750, // 73.75 kWh
      powerW: 5,
    });
  });

  it('reads last_seen epoch (derived: the TS011F state with epoch milliseconds)', () => {
    const r = reading(parse(fixture('plug-ts011f-last-seen-epoch.derived.json')));
    // 1701521848783 ms is 2023-12-02T12:57:28.783Z, the same instant as the ISO_8601 fixture.
    expect(r).toEqual({ ts: 1_701_521_848_783, tsSource: 'meter', importWh: 5630, powerW: 74 });
  });

  it('reads a local last_seen without offset in the meter zone (derived)', () => {
    const r = reading(parse(fixture('plug-lexman-last-seen-no-offset.derived.json')));
    // 2024-01-01T19:10:38 in Europe/Paris (CET, UTC+1) -> 18:10:38Z
    expect(r).toMatchObject({ ts: Date.UTC(2024, 0, 1, 18, 10, 38), tsSource: 'meter' });
  });

  it('takes each repeated state as a reading at its receive time (no last_seen)', () => {
    // Two messages of the same plug, 0.05 kWh both times: each is a reading; dedup by (meter, ts)
    // happens after the parser.
    const first = reading(parse(fixture('plug-ts011f-no-last-seen-1.json'), at));
    const second = reading(parse(fixture('plug-ts011f-no-last-seen-2.json'), at + 2000));
    expect(first).toEqual({ ts: at, tsSource: 'received', importWh: 50, powerW: 11 });
    expect(second).toEqual({ ts: at + 2000, tsSource: 'received', importWh: 50, powerW: 11 });
    // The same message received again at the same instant is the same reading.
    expect(reading(parse(fixture('plug-ts011f-no-last-seen-1.json'), at))).toEqual(first);
  });

  it.each(['plug-ts011f-energy-null.json', 'plug-s60zbtpf-energy-null.json'])(
    'rejects energy null as no_reading (%s)',
    (name) => {
      const res = rejection(parse(fixture(name), at, 'zigbee2mqttcc1352/plug_zigbee27'));
      expect(res.reason).toBe('no_reading');
      expect(res.detail).toContain('energy is null');
    },
  );

  it('rejects a state with last_seen only as no_reading', () => {
    const res = rejection(parse(fixture('last-seen-only.json')));
    expect(res.reason).toBe('no_reading');
    expect(res.detail).toContain('last_seen');
  });

  it("rejects the attribute output's bare value as invalid_schema", () => {
    const res = rejection(
      parse(fixture('attribute-output-energy.txt'), at, 'zigbee2mqtt/z1/energy'),
    );
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain('JSON object');
  });
});

describe('zigbee2mqtt values', () => {
  it('converts kWh to Wh on the decimal digits, half away from zero', () => {
    // 128.0245 kWh = 128,024.5 Wh -> 128,025 (binary floating point would give 128,024.4999…)
    expect(reading(parse('{"energy":128.0245}')).importWh).toBe(128_025);
    expect(reading(parse('{"energy":"0.05"}')).importWh).toBe(50);
    expect(reading(parse('{"energy":0}')).importWh).toBe(0);
  });

  it('keeps power null as no power and a negative power as it is', () => {
    expect(reading(parse('{"energy":1,"power":null}')).powerW).toBeUndefined();
    expect(reading(parse('{"energy":1,"power":-12.5}')).powerW).toBe(-12.5);
  });

  it.each([
    ['{"energy":-0.01}', 'energy'],
    ['{"energy":"abc"}', 'energy'],
    ['{"energy":true}', 'energy'],
    ['{"energy":1e300}', 'energy'],
    ['{"energy":{"value":1}}', 'energy'],
    ['{"energy":1,"power":"high"}', 'power'],
    ['{"energy":1,"power":[1]}', 'power'],
  ])('rejects %s as invalid_schema naming %s', (payload, field) => {
    const res = rejection(parse(payload));
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain(field);
  });

  it('keeps the last of a repeated key, as JSON.parse does', () => {
    expect(reading(parse('{"energy":1,"energy":2}')).importWh).toBe(2000);
  });

  it('reads nothing through prototype keys', () => {
    const res = rejection(parse('{"__proto__":{"energy":5},"constructor":{"energy":5}}'));
    expect(res.reason).toBe('no_reading');
    expect(({} as Record<string, unknown>).energy).toBeUndefined();
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'invalid_json'],
    ['ON', Buffer.from('ON'), 'invalid_json'],
    ['an array', Buffer.from('[{"energy":1}]'), 'invalid_schema'],
    ['deep nesting', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 'invalid_schema'],
  ])('rejects %s', (_, payload, reason) => {
    expect(rejection(parse(payload)).reason).toBe(reason);
  });
});

describe('zigbee2mqtt time', () => {
  it('takes receivedAt inside the repeated hour of 29 October 2023 (no offset)', () => {
    // 02:30 happens twice in Paris; without an offset nobody can tell which.
    expect(reading(parse(seen('2023-10-29T02:30:00')))).toMatchObject({
      ts: at,
      tsSource: 'received',
    });
  });

  it('reads the repeated hour when the offset says which', () => {
    expect(reading(parse(seen('2023-10-29T02:30:00+02:00'))).ts).toBe(Date.UTC(2023, 9, 29, 0, 30));
    expect(reading(parse(seen('2023-10-29T02:30:00+01:00'))).ts).toBe(Date.UTC(2023, 9, 29, 1, 30));
  });

  it('rejects a local time inside the hour skipped on 26 March 2023', () => {
    const res = rejection(parse(seen('2023-03-26T02:30:00')));
    expect(res.reason).toBe('invalid_local_time');
    expect(res.detail).toContain('last_seen');
  });

  it.each([0, 86_400_000, '1970-01-01T00:00:00.000Z', '1970-01-01T01:00:00'])(
    'takes receivedAt for a last_seen before 2000 (%j)',
    (lastSeen) => {
      expect(reading(parse(seen(lastSeen)))).toMatchObject({ ts: at, tsSource: 'received' });
    },
  );

  it('takes receivedAt without last_seen, or with last_seen null', () => {
    expect(reading(parse('{"energy":1}'))).toMatchObject({ ts: at, tsSource: 'received' });
    expect(reading(parse(seen(null)))).toMatchObject({ ts: at, tsSource: 'received' });
  });

  it.each([
    '2 minutes ago',
    '2024-02-30T10:00:00',
    '2024-02-30T10:00:00Z',
    1.5,
    -1,
    true,
    ['2024-01-01T00:00:00Z'],
  ])('rejects last_seen %j as invalid_schema', (lastSeen) => {
    const res = rejection(parse(seen(lastSeen)));
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain('last_seen');
  });
});

describe('zigbee2mqtt topics', () => {
  it.each([
    'zigbee2mqtt/plug-1',
    'zigbee2mqtt/0x00158d00018255df',
    'zigbee2mqtt/kitchen/floor_light',
    'zigbee2mqtt/Prise - Cuisine',
    'zigbee2mqtt/Congélateur',
    'zigbee2mqttcc1352/plug_zigbee27',
  ])('accepts %j', (topic) => {
    expect(zigbee2mqttFormat.checkTopic(topic)).toBeUndefined();
  });

  it.each([
    ['zigbee2mqtt', 'friendly_name'],
    ['zigbee2mqtt/', 'friendly_name'],
    ['/plug-1', 'friendly_name'],
    ['zigbee2mqtt//plug-1', 'friendly_name'],
    ['zigbee2mqtt/plug-1/', 'empty level'],
    ['zigbee2mqtt/bridge/state', 'bridge'],
    ['zigbee2mqtt/bridge/devices', 'bridge'],
    ['zigbee2mqtt/plug-1/set', 'command'],
    ['zigbee2mqtt/plug-1/get', 'command'],
    ['zigbee2mqtt/plug-1/set/state', 'command'],
    ['zigbee2mqtt/plug-1/availability', 'online/offline'],
    ['zigbee2mqtt/#', 'wildcard'],
    ['zigbee2mqtt/+/plug', 'wildcard'],
    ['$SYS/broker/uptime', '$'],
    ['meters/plug-1', 'meters/'],
  ])('refuses %j', (topic, why) => {
    expect(zigbee2mqttFormat.checkTopic(topic)).toContain(why);
  });

  it("grants the bridge's whole base tree", () => {
    expect(zigbee2mqttFormat.deviceTopics('zigbee2mqtt/kitchen/floor_light')).toEqual([
      'zigbee2mqtt/#',
    ]);
    expect(zigbee2mqttFormat.deviceTopics('zigbee2mqttcc1352/plug_zigbee27')).toEqual([
      'zigbee2mqttcc1352/#',
    ]);
  });

  it('has no options', () => {
    expect(zigbee2mqttFormat.sourceSchema.safeParse({}).success).toBe(true);
    expect(zigbee2mqttFormat.sourceSchema.safeParse({ baseTopic: 'z2m' }).success).toBe(false);
  });
});

describe('zigbee2mqtt parse is total', () => {
  const seed = 20260115;

  it('ends any bytes in readings or a rejection, never an exception', () => {
    fc.assert(
      fc.property(anyPayload(), (payload) => expectWellFormed(parse(payload), { receivedAt: at })),
      { seed, numRuns: 400 },
    );
  });

  it('rejects deep nesting in any field, never throws', () => {
    for (const payload of deeplyNested([
      '{"energy":$}',
      '{"energy":1,"power":$}',
      '{"energy":1,"last_seen":$}',
    ])) {
      expect(rejection(parse(payload)).reason).toBe('invalid_schema');
    }
  });

  it('ends random plug states in readings or a rejection', () => {
    const value = fc.oneof(
      fc.double(),
      fc.maxSafeNat(),
      fc.integer({ min: -5, max: 5 }),
      fc.string({ maxLength: 12 }),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const lastSeen = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)),
      fc.date({ noInvalidDate: true }).map((d) => d.getTime()),
      value,
    );
    // Mostly plausible kWh and W, so that many states end as readings and their checks run.
    const kwh = fc.oneof(
      { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }), weight: 3 },
      { arbitrary: value, weight: 1 },
    );
    const w = fc.oneof(
      { arbitrary: fc.double({ min: -5e3, max: 5e3, noNaN: true }), weight: 3 },
      { arbitrary: value, weight: 1 },
    );
    const state = fc.record(
      { energy: kwh, power: w, last_seen: lastSeen, state: fc.constantFrom('ON', 'OFF') },
      { requiredKeys: ['energy'] },
    );
    let readings = 0;
    fc.assert(
      fc.property(state, fc.nat(), (s, ms) => {
        const res = parse(JSON.stringify(s), ms);
        expectWellFormed(res, { receivedAt: ms });
        if (res.ok) readings += 1;
      }),
      { seed, numRuns: 600 },
    );
    // The property is not vacuous: a good share of the random states are readings.
    expect(readings).toBeGreaterThan(100);
  });
});
