import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormatResult } from '../device-format.js';
import {
  anyPayload,
  deeplyNested,
  expectWellFormed,
  fixture as formatFixture,
  parseMessage,
  readingOf as reading,
  rejectionOf as rejection,
} from '../shared/format-result.test-support.js';
import { HISTORY_INDEXES, STANDARD_SUPPLIER_INDEXES } from '../shared/teleinfo-labels.js';
import { teleinfoFormat } from './teleinfo.js';

const at = Date.UTC(2026, 0, 15, 10, 0, 0);
const meter = { id: 'linky-1', timezone: 'Europe/Paris', source: {} };
const TOPIC = 'teleinfo/012345678912';

const fixture = (name: string): Buffer => formatFixture('teleinfo', name);

const parse = (payload: Buffer | string, receivedAt = at): FormatResult =>
  parseMessage(teleinfoFormat, { topic: TOPIC, payload, meter, receivedAt });

/** The published three-phase frame (standard mode, DATE 2022-10-16 18:15:02 summer) as an object to vary. */
const threePhase = (): Record<string, unknown> =>
  JSON.parse(fixture('standard-three-phase-frame.json').toString()) as Record<string, unknown>;

const withDate = (timestamp: unknown): string =>
  JSON.stringify({ ...threePhase(), DATE: timestamp });
const stamped = (date: string, dst?: string) =>
  withDate({ raw: '', value: '', timestamp: dst === undefined ? { date } : { dst, date } });

describe('teleinfo fixtures', () => {
  it("reads teleinfo2mqtt's README frame, whose repeated PAPP keeps the last value", () => {
    const r = reading(parse(fixture('history-readme-hchc-hchp.json')));
    expect(r).toEqual({
      ts: at,
      tsSource: 'received', // history frames carry no time
      importWh: 18_811_534, // HCHC 9,058,688 + HCHP 9,752,846
      registers: { HCHC: 9_058_688, HCHP: 9_752_846 },
    });
    expect(r.powerW).toBeUndefined(); // PAPP is VA, not W
  });

  it('reads the BASE frame its MQTT test publishes on teleinfo/012345678912', () => {
    const r = reading(parse(fixture('history-base-mqtt-test.json')));
    // BASE raw "022304568" = 22,304,568 Wh
    expect(r).toEqual({
      ts: at,
      tsSource: 'received',
      importWh: 22_304_568,
      registers: { BASE: 22_304_568 },
    });
  });

  it('reads a published three-phase standard frame: EAST, the ten EASF, DATE in summer time', () => {
    const r = reading(parse(fixture('standard-three-phase-frame.json')));
    expect(r).toEqual({
      // DATE 2022-10-16 18:15:02, flag summer: CEST (UTC+2) -> 16:15:02Z
      ts: Date.UTC(2022, 9, 16, 16, 15, 2),
      tsSource: 'meter',
      importWh: 20_966_534, // EAST; EASF01..03 = 10,485,700 + 10,373,522 + 107,312 = 20,966,534
      registers: {
        EASF01: 10_485_700,
        EASF02: 10_373_522,
        EASF03: 107_312,
        EASF04: 0,
        EASF05: 0,
        EASF06: 0,
        EASF07: 0,
        EASF08: 0,
        EASF09: 0,
        EASF10: 0,
      },
    });
    // The distributor registers EASD01..04 split the same 20,966,534 Wh and are not kept.
    expect(Object.keys(r.registers ?? {}).some((k) => k.startsWith('EASD'))).toBe(false);
  });

  it('reads the standard example of its docs: EASF06 only, no DATE', () => {
    const r = reading(parse(fixture('standard-docs-example.json')));
    // No EAST: importWh is the sum of the EASF present, 0. SMAXSN's timestamp is not the frame's.
    expect(r).toEqual({ ts: at, tsSource: 'received', importWh: 0, registers: { EASF06: 0 } });
  });

  it("rejects the bridge's status message as no_reading", () => {
    const res = rejection(parse(fixture('status-health-check.json')));
    expect(res.reason).toBe('no_reading');
    expect(res.detail).toContain('status message');
  });
});

describe('teleinfo registers', () => {
  it('keeps EAIT as exportWh (value from the bridge test frames log)', () => {
    const frame = { ...threePhase(), EAIT: { raw: '003626872', value: 3_626_872 } };
    expect(reading(parse(JSON.stringify(frame))).exportWh).toBe(3_626_872);
  });

  it('sums the EASF registers when EAST is missing', () => {
    const frame = threePhase();
    delete frame.EAST;
    expect(reading(parse(JSON.stringify(frame))).importWh).toBe(20_966_534);
  });

  it('keeps EAST without the supplier registers when they do not add up to it', () => {
    // A frame read while the meter counts: EASF02 already a step ahead of EAST.
    const r = reading(
      parse(
        JSON.stringify({
          EAST: { raw: '000001234', value: 1234 },
          EASF01: { raw: '000001000', value: 1000 },
          EASF02: { raw: '000000235', value: 235 },
        }),
      ),
    );
    expect(r).toEqual({ ts: at, tsSource: 'received', importWh: 1234 });
  });

  it('keeps EAST alone without registers', () => {
    const r = reading(parse(JSON.stringify({ EAST: { raw: '000001234', value: 1234 } })));
    expect(r).toEqual({ ts: at, tsSource: 'received', importWh: 1234 });
  });

  // No Tempo or EJP frame is documented by teleinfo2mqtt: these frames are made up from its labels.
  it('sums the six Tempo registers', () => {
    const frame = Object.fromEntries(
      ['BBRHCJB', 'BBRHPJB', 'BBRHCJW', 'BBRHPJW', 'BBRHCJR', 'BBRHPJR'].map((label, i) => [
        label,
        { raw: String(1000 * (i + 1)).padStart(9, '0'), value: 1000 * (i + 1) },
      ]),
    );
    const r = reading(parse(JSON.stringify({ ADCO: { raw: '012345678912' }, ...frame })));
    expect(r.importWh).toBe(21_000); // 1,000 + 2,000 + ... + 6,000
    expect(r.registers).toEqual({
      BBRHCJB: 1000,
      BBRHPJB: 2000,
      BBRHCJW: 3000,
      BBRHPJW: 4000,
      BBRHCJR: 5000,
      BBRHPJR: 6000,
    });
  });

  it('sums EJPHN and EJPHPM', () => {
    const frame = { EJPHN: { raw: '000000500', value: 500 }, EJPHPM: { raw: '000000007' } };
    // EJPHPM has no value: its raw text "000000007" is read. 500 + 7
    expect(reading(parse(JSON.stringify(frame))).importWh).toBe(507);
  });

  it('refuses a frame mixing history and standard indexes', () => {
    const res = rejection(parse(JSON.stringify({ ...threePhase(), BASE: { raw: '1', value: 1 } })));
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain('BASE');
  });

  it.each([
    ['a negative value', { HCHC: { raw: '-1', value: -1 } }, 'HCHC.value'],
    ['text', { HCHC: { raw: 'HC..', value: 'HC' } }, 'HCHC.value'],
    ['a huge number', { EAST: { raw: '', value: 1e300 } }, 'EAST.value'],
    ['a bare number', { BASE: 123 }, 'BASE must be an object'],
    ['an array', { EASF01: [1] }, 'EASF01 must be an object'],
  ])('rejects %s as invalid_schema naming the label', (_, frame, field) => {
    const res = rejection(parse(JSON.stringify(frame)));
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain(field);
  });

  it('reads nothing through prototype keys', () => {
    const res = rejection(parse('{"__proto__":{"BASE":{"raw":"1","value":1}},"constructor":1}'));
    expect(res.reason).toBe('no_reading');
    expect(({} as Record<string, unknown>).BASE).toBeUndefined();
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_json'],
    ['text', Buffer.from('HCHC 009058688'), 'invalid_json'],
    ['an array', Buffer.from('[{"BASE":{"value":1}}]'), 'invalid_schema'],
    ['null', Buffer.from('null'), 'invalid_schema'],
    ['deep nesting', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)), 'invalid_schema'],
    ['unclosed nesting', Buffer.from('['.repeat(100_000)), 'invalid_json'],
  ])('rejects %s', (_, payload, reason) => {
    expect(rejection(parse(payload)).reason).toBe(reason);
  });
});

describe('teleinfo time', () => {
  it('resolves a winter DATE (H250307134349 of the bridge test frames log)', () => {
    const r = reading(parse(stamped('2025-03-07T13:43:49.000Z', 'winter')));
    expect(r.ts).toBe(Date.UTC(2025, 2, 7, 12, 43, 49)); // CET, UTC+1
    expect(r.tsSource).toBe('meter');
  });

  it('uses the season flag inside the repeated hour of 30 October 2022', () => {
    // 02:30 happens twice in Paris: first in CEST (00:30Z), then in CET (01:30Z).
    expect(reading(parse(stamped('2022-10-30T02:30:00.000Z', 'summer'))).ts).toBe(
      Date.UTC(2022, 9, 30, 0, 30),
    );
    expect(reading(parse(stamped('2022-10-30T02:30:00.000Z', 'winter'))).ts).toBe(
      Date.UTC(2022, 9, 30, 1, 30),
    );
  });

  it('takes receivedAt in the repeated hour without a season flag', () => {
    const r = reading(parse(stamped('2022-10-30T02:30:00.000Z')));
    expect(r).toMatchObject({ ts: at, tsSource: 'received' });
  });

  it('rejects a DATE inside the hour skipped on 27 March 2022', () => {
    const res = rejection(parse(stamped('2022-03-27T02:30:00.000Z', 'winter')));
    expect(res.reason).toBe('invalid_local_time');
    expect(res.detail).toContain('2022-03-27T02:30:00');
  });

  it('takes receivedAt for a DATE before 2000', () => {
    const r = reading(parse(stamped('1970-01-01T00:00:00.000Z', 'winter')));
    expect(r).toMatchObject({ ts: at, tsSource: 'received' });
  });

  it('takes receivedAt when there is no DATE', () => {
    const frame = threePhase();
    delete frame.DATE;
    expect(reading(parse(JSON.stringify(frame)))).toMatchObject({ ts: at, tsSource: 'received' });
  });

  it('reads a raw horodate and its season letter', () => {
    // H081225223518: 2008-12-25 22:35:18 winter (CET) -> 21:35:18Z
    expect(reading(parse(withDate({ raw: 'H081225223518', value: '' }))).ts).toBe(
      Date.UTC(2008, 11, 25, 21, 35, 18),
    );
    // E: 2022-10-30 02:30 in summer time, the first of the two
    expect(reading(parse(withDate({ raw: 'E221030023000' }))).ts).toBe(
      Date.UTC(2022, 9, 30, 0, 30),
    );
  });

  it("does not trust a horodate whose lower-case letter flags the meter's clock as degraded", () => {
    const r = reading(parse(withDate({ raw: 'h081225223518' })));
    expect(r).toMatchObject({ ts: at, tsSource: 'received' });
  });

  it.each([
    [
      { raw: '', value: '', timestamp: { date: 'yesterday', dst: 'winter' } },
      'DATE.timestamp.date',
    ],
    [
      { raw: '', value: '', timestamp: { date: '2022-10-16T18:15:02Z', dst: 'E' } },
      'DATE.timestamp.dst',
    ],
    [{ raw: '', value: '', timestamp: { date: '2022-02-30T18:15:02Z' } }, 'not a calendar time'],
    [{ raw: 'X221016181502' }, 'DATE.raw'],
    ['H221016181502', 'DATE must be an object'],
  ])('rejects a malformed DATE as invalid_schema (%j)', (date, field) => {
    const res = rejection(parse(withDate(date)));
    expect(res.reason).toBe('invalid_schema');
    expect(res.detail).toContain(field);
  });
});

describe('teleinfo topics', () => {
  it('accepts the documented topics', () => {
    expect(teleinfoFormat.checkTopic('teleinfo/012345678912')).toBeUndefined();
    expect(teleinfoFormat.checkTopic('custom-teleinfo-topic/031764953443')).toBeUndefined();
    expect(teleinfoFormat.checkTopic('/teleinfo')).toBeUndefined(); // before release 5
  });

  it.each([
    'teleinfo/+',
    'teleinfo/#',
    '$SYS/broker',
    '',
    'a\u0000b',
    'a\u0007b',
    'meters/linky-1',
  ])('refuses %j', (topic) => {
    expect(teleinfoFormat.checkTopic(topic)).toMatch(/./);
  });

  it('grants the frame topic and the status topic beside it', () => {
    expect(teleinfoFormat.deviceTopics('teleinfo/012345678912')).toEqual([
      'teleinfo/012345678912',
      'teleinfo/status',
    ]);
    expect(teleinfoFormat.deviceTopics('home/teleinfo/031764953443')).toEqual([
      'home/teleinfo/031764953443',
      'home/teleinfo/status',
    ]);
    expect(teleinfoFormat.deviceTopics('/teleinfo')).toEqual(['/teleinfo']);
    expect(teleinfoFormat.deviceTopics('teleinfo')).toEqual(['teleinfo']);
  });

  it('has no options', () => {
    expect(teleinfoFormat.sourceSchema.safeParse({}).success).toBe(true);
    expect(teleinfoFormat.sourceSchema.safeParse({ mode: 'history' }).success).toBe(false);
  });
});

describe('teleinfo parse is total', () => {
  const seed = 20260115;
  const HISTORY_LABELS: ReadonlySet<string> = new Set(HISTORY_INDEXES);

  it('ends any bytes in readings or a rejection, never an exception', () => {
    fc.assert(
      fc.property(anyPayload(), (payload) => expectWellFormed(parse(payload), { receivedAt: at })),
      { seed, numRuns: 400 },
    );
  });

  it('rejects deep nesting under any label, never throws', () => {
    for (const payload of deeplyNested([
      '{"BASE":$}',
      '{"EAST":{"value":$}}',
      '{"EAST":{"raw":$}}',
      '{"BASE":{"value":1},"DATE":$}',
      '{"EAST":{"value":1},"DATE":{"timestamp":$}}',
      '{"EAST":{"value":1},"DATE":{"timestamp":{"date":$}}}',
      '{"EAST":{"value":1},"DATE":{"raw":$}}',
    ])) {
      expect(rejection(parse(payload)).reason).toBe('invalid_schema');
    }
  });

  it('ends random frames in readings or a rejection', () => {
    const labels = [
      ...HISTORY_INDEXES,
      ...STANDARD_SUPPLIER_INDEXES,
      'EAST',
      'EAIT',
      'DATE',
      'PAPP',
      'ADCO',
      '__proto__',
    ];
    const value = fc.oneof(
      fc.maxSafeNat(),
      fc.double(),
      fc.integer({ min: -10, max: 10 }),
      fc.string({ maxLength: 14 }),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
    );
    // Mostly 9-digit indexes as meters send them, so that many frames end as readings.
    const index = fc.oneof(
      { arbitrary: fc.nat({ max: 999_999_999 }).map((wh) => ({ raw: '', value: wh })), weight: 8 },
      { arbitrary: fc.record({ raw: fc.string({ maxLength: 14 }), value }), weight: 1 },
    );
    const date = fc.record({
      raw: fc.constant(''),
      value: fc.constant(''),
      timestamp: fc.record(
        {
          date: fc.oneof(
            { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 4 },
            { arbitrary: fc.string(), weight: 1 },
          ),
          dst: fc.constantFrom('summer', 'winter', 'spring', null),
        },
        { requiredKeys: [] },
      ),
    });
    const history = fc.dictionary(fc.constantFrom(...HISTORY_INDEXES), index, { minKeys: 1 });
    const standard = fc.record(
      {
        EAST: index,
        EAIT: index,
        DATE: date,
        ...Object.fromEntries(STANDARD_SUPPLIER_INDEXES.map((label) => [label, index])),
      },
      { requiredKeys: [] },
    );
    const anything = fc.dictionary(
      fc.constantFrom(...labels),
      fc.oneof(index, date, fc.jsonValue({ maxDepth: 2 })),
      { maxKeys: 6 },
    );
    const frames = fc.oneof(history, standard, anything);
    let readings = 0;
    fc.assert(
      fc.property(frames, fc.nat(), (frame, ms) => {
        const res = parse(JSON.stringify(frame), ms);
        expectWellFormed(res, { receivedAt: ms });
        if (res.ok) readings += 1;
        const r = res.ok ? res.readings[0]! : undefined;
        const kept = Object.keys(r?.registers ?? {});
        if (r && kept.length > 0 && kept.every((k) => HISTORY_LABELS.has(k))) {
          // History mode: importWh is the sum of the index registers.
          expect(r.importWh).toBe(Object.values(r.registers ?? {}).reduce((a, b) => a + b, 0));
        }
      }),
      { seed, numRuns: 600 },
    );
    // The property is not vacuous: a good share of the random frames are readings.
    expect(readings).toBeGreaterThan(100);
  });
});
