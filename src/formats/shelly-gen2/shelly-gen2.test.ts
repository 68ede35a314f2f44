import { describe, expect, it } from 'vitest';
import {
  RECEIVED,
  fixture as formatFixture,
  parseMessage,
} from '../shared/format-result.test-support.js';
import { shellyGen2Format, type ShellyGen2Source } from './shelly-gen2.js';

const fixture = (name: string) => formatFixture('shelly-gen2', name);

const parse = (topic: string, payload: Buffer | string, source: ShellyGen2Source = {}) =>
  parseMessage(shellyGen2Format, {
    topic,
    payload,
    meter: { id: 'plug-1', timezone: 'Europe/Paris', source },
  });

// The topics the fixtures were published on (a prefix may have several levels).
const PLUS1PM = 'shellies/plus1pm';
const AIIDA = 'aiida/12345678-1234-1234-1234-123456789abc';

describe('shelly-gen2 fixtures with a reading', () => {
  it('reads emdata:0 of a Pro 3EM, rounding fractional Wh half away from zero', () => {
    expect(parse(`${AIIDA}/events/rpc`, fixture('pro3em-events-rpc-emdata.json'))).toEqual({
      ok: true,
      readings: [
        {
          ts: 1757060280210, // params.ts 1757060280.21 s
          tsSource: 'meter',
          importWh: 26290, // total_act 26289.57 Wh
          exportWh: 131882, // total_act_ret 131881.86 Wh
        },
      ],
    });
  });

  it('reads em1data:1 when the meter is bound to it', () => {
    const res = parse(`${AIIDA}/events/rpc`, fixture('pro3em-events-rpc-em1data.json'), {
      component: 'em1data:1',
    });
    // total_act_energy 0.06 Wh -> 0, total_act_ret_energy 0
    expect(res).toEqual({
      ok: true,
      readings: [{ ts: 1757060280210, tsSource: 'meter', importWh: 0, exportWh: 0 }],
    });
  });

  it('reads switch:0 aenergy and ret_aenergy of a 1PM Gen4 notification', () => {
    expect(parse(`${AIIDA}/events/rpc`, fixture('1pmg4-events-rpc-switch.json'))).toEqual({
      ok: true,
      readings: [{ ts: 1757591520010, tsSource: 'meter', importWh: 0, exportWh: 0, powerW: 0 }],
    });
  });

  it('reads a partial NotifyStatus that carries aenergy', () => {
    expect(
      parse(`${PLUS1PM}/events/rpc`, fixture('plus1pm-events-rpc-switch-aenergy.json')),
    ).toEqual({
      ok: true,
      readings: [{ ts: 1661517421440, tsSource: 'meter', importWh: 0 }], // ts 1661517421.44 s
    });
  });

  it('reads status/switch:0 with the receive time, the status having no time', () => {
    expect(parse(`${PLUS1PM}/status/switch:0`, fixture('plus1pm-status-switch0.json'))).toEqual({
      ok: true,
      readings: [{ ts: RECEIVED, tsSource: 'received', importWh: 0, powerW: 0 }],
    });
    const derived = fixture('plus1pm-status-switch0.derived-total-1234.5.json');
    // aenergy.total 1234.500 Wh -> 1235 (half away from zero)
    expect(parse(`${PLUS1PM}/status/switch:0`, derived)).toMatchObject({
      ok: true,
      readings: [{ importWh: 1235, powerW: 0 }],
    });
  });
});

describe('shelly-gen2 fixtures without a reading', () => {
  it.each([
    ['docs-notify-status-switch-output.json', 'switch:0 carries no aenergy.total'],
    ['docs-notify-status-cloud.json', 'carries none of emdata:0'],
    ['plus1pm-events-rpc-mqtt-connected.json', 'carries none of'],
    ['plus1pm-events-rpc-switch-voltage.json', 'switch:0 carries no aenergy.total'],
    ['pro3em-events-rpc-em.json', 'carries none of'],
    ['pro3em-events-rpc-em1.json', 'carries none of'],
    ['pro3em-events-rpc-em1data.json', 'carries none of'], // em1data:1 is not a default
    ['pro3em-events-rpc-notify-event-data.json', 'NotifyEvent carries no component status'],
  ])('%s is no_reading', (name, detail) => {
    const res = parse(`${AIIDA}/events/rpc`, fixture(name));
    expect(res).toMatchObject({ ok: false, reason: 'no_reading' });
    expect(res.ok ? '' : res.detail).toContain(detail);
  });

  it('treats the status of another component, or of another channel, as no_reading', () => {
    expect(parse(`${PLUS1PM}/status/sys`, fixture('plus1pm-status-sys.json'))).toMatchObject({
      ok: false,
      reason: 'no_reading',
    });
    const other = parse(`${PLUS1PM}/status/switch:0`, fixture('plus1pm-status-switch0.json'), {
      component: 'switch:1',
    });
    expect(other).toMatchObject({ ok: false, reason: 'no_reading' });
  });
});

describe('shelly-gen2 component selection', () => {
  const full = (params: Record<string, unknown>) =>
    JSON.stringify({
      src: 'shellypro2pm-x',
      method: 'NotifyFullStatus',
      params: { ts: 1764440400.5, ...params },
    });
  const sw = (total: number, apower: number) => ({ id: 0, apower, aenergy: { total } });

  it('reads the bound component of a NotifyFullStatus with several', () => {
    const payload = full({ 'switch:0': sw(11.042, 0), 'switch:1': sw(2.5, 41.7) });
    expect(parse('pro2pm/events/rpc', payload, { component: 'switch:1' })).toEqual({
      ok: true,
      // ts 1764440400.5 s; aenergy.total 2.5 Wh -> 3
      readings: [{ ts: 1764440400500, tsSource: 'meter', importWh: 3, powerW: 41.7 }],
    });
    expect(parse('pro2pm/events/rpc', payload)).toMatchObject({
      ok: true,
      readings: [{ importWh: 11 }], // default switch:0: 11.042 Wh -> 11
    });
  });

  it('takes the power of emdata:N from em:N of the same notification', () => {
    const payload = full({
      'em:0': { id: 0, total_act_power: -18.017 },
      'emdata:0': { id: 0, total_act: 5, total_act_ret: 7 },
    });
    expect(parse('pro3em/events/rpc', payload)).toMatchObject({
      ok: true,
      readings: [{ importWh: 5, exportWh: 7, powerW: -18.017 }],
    });
  });

  it('prefers emdata:0 over switch:0 by default', () => {
    const payload = full({ 'switch:0': sw(1, 0), 'emdata:0': { id: 0, total_act: 9 } });
    expect(parse('x/events/rpc', payload)).toMatchObject({ ok: true, readings: [{ importWh: 9 }] });
  });

  it('rejects counters that are not finite non-negative numbers, naming the field', () => {
    for (const [total, detail] of [
      [-1, 'switch:0.aenergy.total'],
      ['12', 'switch:0.aenergy.total'],
      [{ a: 1 }, 'switch:0.aenergy.total'],
      [1e300, 'switch:0.aenergy.total'],
    ] as const) {
      const res = parse('x/events/rpc', full({ 'switch:0': { aenergy: { total } } }));
      expect(res).toMatchObject({ ok: false, reason: 'invalid_schema' });
      expect(res.ok ? '' : res.detail).toContain(detail);
    }
  });

  it('takes null for a component or counter as "not in this update"', () => {
    expect(parse('x/events/rpc', full({ 'switch:0': null }))).toMatchObject({
      reason: 'no_reading',
    });
    expect(parse('x/events/rpc', full({ 'switch:0': { aenergy: null } }))).toMatchObject({
      reason: 'no_reading',
    });
  });
});

describe('shelly-gen2 time', () => {
  const notify = (ts: unknown) =>
    JSON.stringify({
      method: 'NotifyStatus',
      params: { ts, 'switch:0': { aenergy: { total: 1 } } },
    });

  it.each([
    ['epoch seconds with a fraction', 1764440400.01, 1764440400010, 'meter'],
    ['an unset clock (uptime 1.61 s)', 1.61, RECEIVED, 'received'],
    ['a negative ts', -5, RECEIVED, 'received'],
    ['no ts', undefined, RECEIVED, 'received'],
    ['ts null', null, RECEIVED, 'received'],
  ])('reads %s', (_kind, ts, expected, tsSource) => {
    expect(parse('x/events/rpc', notify(ts))).toMatchObject({
      ok: true,
      readings: [{ ts: expected, tsSource }],
    });
  });

  it('rejects a ts that is not a number', () => {
    expect(parse('x/events/rpc', notify('2026-11-29T18:20:00Z'))).toMatchObject({
      ok: false,
      reason: 'invalid_schema',
    });
  });
});

describe('shelly-gen2 malformed messages', () => {
  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_json'],
    ['text that is not JSON', '{"method":', 'invalid_json'],
    ['an array', '[1,2]', 'invalid_schema'],
    ['a method that is not a string', '{"method":7,"params":{}}', 'invalid_schema'],
    ['params that are not an object', '{"method":"NotifyStatus","params":[]}', 'invalid_schema'],
    [
      'a component that is not an object',
      '{"method":"NotifyStatus","params":{"switch:0":3}}',
      'invalid_schema',
    ],
    [
      'an RPC response',
      '{"id":1,"src":"shellyplus1pm-x","dst":"me","result":{"was_on":false}}',
      'no_reading',
    ],
    [
      'a __proto__ key',
      '{"method":"NotifyStatus","params":{"__proto__":{"switch:0":{"aenergy":{"total":5}}}}}',
      'no_reading',
    ],
  ])('%s', (_kind, payload, reason) => {
    expect(parse('x/events/rpc', payload)).toMatchObject({ ok: false, reason });
  });

  it('follows JSON.parse for a repeated key: the last one wins', () => {
    const payload =
      '{"method":"NotifyStatus","params":{"switch:0":{"aenergy":{"total":1}},"switch:0":{"aenergy":{"total":2}}}}';
    expect(parse('x/events/rpc', payload)).toMatchObject({ ok: true, readings: [{ importWh: 2 }] });
  });

  it('treats a message on another topic of the device as no_reading', () => {
    expect(parse('shellyplus1pm-x/online', 'true')).toMatchObject({
      ok: false,
      reason: 'no_reading',
    });
  });
});

describe('shelly-gen2 binding', () => {
  it.each([
    ['shellyplus1pm-441793d69718/events/rpc', 'shellyplus1pm-441793d69718/#'],
    ['shellies/plus1pm/events/rpc', 'shellies/plus1pm/#'],
    ['shellyplus1pm-441793d69718/status/switch:0', 'shellyplus1pm-441793d69718/#'],
    ['shellypro3em-c8f09e8a1b2c/status/emdata:0', 'shellypro3em-c8f09e8a1b2c/#'],
  ])('binds %s and grants %s', (topic, tree) => {
    expect(shellyGen2Format.checkTopic(topic)).toBeUndefined();
    expect(shellyGen2Format.deviceTopics(topic)).toEqual([tree]);
  });

  it.each([
    'shellyplus1pm-x/online',
    'shellyplus1pm-x/status/sys',
    'shellyplus1pm-x/status/em:0',
    'events/rpc',
    '+/events/rpc',
    'meters/x/events/rpc',
    '$SYS/events/rpc',
    'a//events/rpc',
    'a\u0007b/events/rpc',
  ])('refuses %s', (topic) => {
    expect(shellyGen2Format.checkTopic(topic)).toEqual(expect.any(String));
  });

  it('takes a component option of an energy component only', () => {
    const schema = shellyGen2Format.sourceSchema;
    expect(schema.safeParse({}).success).toBe(true);
    expect(schema.safeParse({ component: 'em1data:2' }).success).toBe(true);
    expect(schema.safeParse({ component: 'em:0' }).success).toBe(false);
    expect(schema.safeParse({ component: 'Switch:0' }).success).toBe(false);
    expect(schema.safeParse({ channel: 0 }).success).toBe(false);
  });
});
