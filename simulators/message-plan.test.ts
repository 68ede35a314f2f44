import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseFaultRates, parseWhen, mqttEnvDefaults } from './cli-options.js';
import type { InjectedFault, OutgoingItem } from './injected-faults.js';
import { planMessages } from './message-plan.js';
import { decodePayload } from './wire-check.js';
import type { SimReading } from './wire-format.js';

const T0 = Date.UTC(2026, 10, 29, 18, 15);
const reading = (i: number): SimReading => ({
  meterId: 'm-1',
  ts: T0 + i * 900_000,
  importWh: 1000 + i,
  powerW: 850.5,
});
const readings = (n: number): OutgoingItem[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'reading', reading: reading(i) }));
const fault: InjectedFault = {
  kind: 'malformed',
  meterId: 'm-1',
  payload: '{"ts":',
  expectedReason: 'invalid_json',
};
const sender = { meterId: 'm-1', tsFormat: 'rfc3339' as const, utcOffsetMinutes: 60 };

describe('message plan', () => {
  it('sends one reading per message live, in the contract format', () => {
    const msgs = planMessages(sender, readings(3), false);
    expect(msgs).toHaveLength(3);
    expect(msgs.every((m) => !m.array && m.topic === 'meters/m-1/readings')).toBe(true);
    expect(JSON.parse(msgs[0]?.payload ?? '')).toEqual({
      ts: '2026-11-29T18:15:00Z',
      importWh: 1000,
      powerW: 850.5,
    });
  });

  it('sends a backlog as arrays of at most 1000, in order', () => {
    const msgs = planMessages(sender, readings(2500), true);
    expect(msgs.map((m) => m.readings.length)).toEqual([1000, 1000, 500]);
    expect(msgs.every((m) => m.array)).toBe(true);
    const decoded = msgs.flatMap((m) => {
      const d = decodePayload(m.payload);
      return d.ok ? d.readings.map((r) => r.ts) : [];
    });
    expect(decoded).toEqual(Array.from({ length: 2500 }, (_, i) => T0 + i * 900_000));
  });

  it('never mixes a faulty payload with valid readings, and sends it after the readings before it', () => {
    const items: OutgoingItem[] = [
      ...readings(2),
      { kind: 'single', meterId: 'm-1', payload: '{"ts":', fault },
      ...readings(3).slice(2),
    ];
    const backlog = planMessages(sender, items, true);
    expect(backlog.map((m) => [m.array, m.readings.length, m.fault?.kind])).toEqual([
      [true, 3, undefined],
      [false, 0, 'malformed'],
    ]);
    expect(backlog[1]?.payload).toBe('{"ts":');
    const live = planMessages(sender, items, false);
    expect(live.map((m) => [m.array, m.readings.length, m.fault?.kind])).toEqual([
      [false, 1, undefined],
      [false, 1, undefined],
      [false, 0, 'malformed'],
      [false, 1, undefined],
    ]);
  });

  it('writes ts as each meter does: UTC, local offset or epoch ms', () => {
    const [offset] = planMessages({ ...sender, tsFormat: 'rfc3339Offset' }, readings(1), false);
    expect(JSON.parse(offset?.payload ?? '').ts).toBe('2026-11-29T19:15:00+01:00');
    const [epoch] = planMessages({ ...sender, tsFormat: 'epochMs' }, readings(1), false);
    expect(JSON.parse(epoch?.payload ?? '').ts).toBe(T0);
    for (const m of [offset, epoch]) {
      const d = decodePayload(m?.payload ?? '');
      expect(d.ok && d.readings[0]?.ts).toBe(T0);
    }
  });
});

describe('cli options', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0);

  it('reads absolute and relative instants', () => {
    expect(parseWhen('-60d', now)).toBe(now - 60 * 86_400_000);
    expect(parseWhen('+1.5h', now)).toBe(now + 5_400_000);
    expect(parseWhen('now', now)).toBe(now);
    expect(parseWhen('2026-10-01T00:00:00+02:00', now)).toBe(Date.UTC(2026, 8, 30, 22));
    expect(parseWhen('2026-10-01', now)).toBe(Date.UTC(2026, 9, 1));
    expect(parseWhen(String(now), 0)).toBe(now);
    for (const bad of ['yesterday', '-60x', '2026-10-01T00:00:00', ''])
      expect(() => parseWhen(bad, now)).toThrow(InvalidArgumentError);
  });

  it('reads fault rates', () => {
    expect(parseFaultRates('duplicate=0.01, malformed=0.005')).toEqual({
      duplicate: 0.01,
      malformed: 0.005,
    });
    expect(parseFaultRates('all=0.1,late=0')).toMatchObject({
      duplicate: 0.1,
      clockSkew: 0.1,
      late: 0,
    });
    for (const bad of ['dupe=0.1', 'late=2', 'late=', 'late=-0.1'])
      expect(() => parseFaultRates(bad)).toThrow(InvalidArgumentError);
  });

  it('takes broker defaults from the environment the service reads', () => {
    expect(mqttEnvDefaults({})).toEqual({
      url: 'mqtt://127.0.0.1:1883',
      username: undefined,
      password: undefined,
    });
    expect(mqttEnvDefaults({ MQTT_URL: 'mqtt://b:1884', MQTT_PASSWORD: 's' })).toMatchObject({
      url: 'mqtt://b:1884',
      password: 's',
    });
  });
});
