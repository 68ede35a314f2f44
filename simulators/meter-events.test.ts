import { describe, expect, it } from 'vitest';
import { continueCounter, type CounterRules } from '../src/ingest/counter-spans.js';
import type { Reading } from '../src/readings/reading.js';
import { apiExchanger, exchangeBody } from './api-exchanger.js';
import { makeFleet, type MeterDefinition } from './fleet.js';
import { createFleetStepper } from './fleet-stepper.js';
import { parseWhen } from './cli-options.js';
import { parseMeterEvent, type MeterEvent } from './meter-events.js';
import { createMeterState } from './meter-state.js';
import type { SimReading } from './wire-format.js';

const Q = 15 * 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
const fleet = makeFleet({ meters: 6, seed: 3, installedAt: T0 - DAY });
const plain = fleet.find((m) => !m.solar)!;
const solar = fleet.find((m) => m.solar)!;

function readings(meter: MeterDefinition, events: readonly MeterEvent[]): SimReading[] {
  return createMeterState(meter, { intervalMs: Q, startTs: T0, events }).advanceTo(T0 + DAY - Q);
}

/** What ingest stores: each device reading joined onto the continuous index. */
function stored(rules: CounterRules, device: readonly SimReading[]): Reading[] {
  const out: Reading[] = [];
  for (const r of device) {
    const raw: Reading = {
      meterId: r.meterId,
      ts: r.ts,
      importWh: r.importWh,
      ...(r.exportWh === undefined ? {} : { exportWh: r.exportWh }),
      receivedAt: r.ts,
    };
    const next = continueCounter(rules, out.at(-1), raw);
    if (next === undefined) throw new Error(`rejected at ${r.ts}`);
    out.push(next);
  }
  return out;
}

const increase = (rs: readonly { importWh: number; exportWh?: number | undefined }[]) => [
  rs.at(-1)!.importWh - rs[0]!.importWh,
  (rs.at(-1)!.exportWh ?? 0) - (rs[0]!.exportWh ?? 0),
];

const rules = (r: Partial<CounterRules>): CounterRules => ({
  counterResets: 'reject',
  registerMaxWh: null,
  decreaseToleranceWh: 0,
  ...r,
});

describe('meter events', () => {
  const at = T0 + 40 * Q;

  it.each([plain, solar])('a reset restarts the counter from 0 after the reading at `at`', (m) => {
    const truth = readings(m, []);
    const device = readings(m, [{ kind: 'reset', meterId: m.meterId, at }]);
    const i = truth.findIndex((r) => r.ts === at);
    expect(device.slice(0, i + 1)).toEqual(truth.slice(0, i + 1));
    expect(device[i + 1]!.importWh).toBe(truth[i + 1]!.importWh - truth[i]!.importWh);
    expect(device[i + 1]!.importWh).toBeLessThan(device[i]!.importWh);
    const index = stored(rules({ counterResets: 'new-span' }), device);
    expect(index.map((r) => r.importWh)).toEqual(truth.map((r) => r.importWh));
    expect(index.filter((r) => r.span?.event === 'reset')).toHaveLength(1);
    expect(() => stored(rules({}), device)).toThrow(/rejected/);
  });

  it.each([plain, solar])('a wrap passes registerMaxWh between `at - interval` and `at`', (m) => {
    const truth = readings(m, []);
    const max = 100_000;
    const device = readings(m, [{ kind: 'wrap', meterId: m.meterId, at, registerMaxWh: max }]);
    const i = device.findIndex((r) => r.ts === at);
    expect(device[i - 1]!.importWh).toBe(max - 1);
    expect(device[i]!.importWh).toBeLessThan(device[i - 1]!.importWh);
    for (const r of device) expect(r.importWh).toBeLessThan(max);
    for (const r of device) expect(r.importWh).toBe(Math.floor(r.exactImportWh!));
    const index = stored(rules({ registerMaxWh: max }), device);
    expect(increase(index)).toEqual(increase(truth));
    expect(index.some((r) => r.span?.event === 'wrap')).toBe(true);
  });

  it('a jitter reads a few Wh below the previous reading once, then is back on track', () => {
    const truth = readings(plain, []);
    const device = readings(plain, [{ kind: 'jitter', meterId: plain.meterId, at, dipWh: 3 }]);
    const i = device.findIndex((r) => r.ts === at);
    expect(device[i]!.importWh).toBe(truth[i - 1]!.importWh - 3);
    expect(device.filter((_, k) => k !== i)).toEqual(truth.filter((_, k) => k !== i));
    const index = stored(rules({ decreaseToleranceWh: 5 }), device);
    expect(index[i]!.importWh).toBe(truth[i - 1]!.importWh);
    expect(index[i]!.span?.event).toBe('dip');
    expect(increase(index)).toEqual(increase(truth));
    expect(() => stored(rules({ decreaseToleranceWh: 2 }), device)).toThrow(/rejected/);
  });

  it('an exchange ends the old meter before `at` and starts the new one after it', () => {
    const x: MeterEvent = {
      kind: 'exchange',
      meterId: solar.meterId,
      at: at + 60_000,
      newMeterId: 'new-1',
      startImportWh: 10,
    };
    const stepper = createFleetStepper({
      fleet: [solar],
      intervalMs: Q,
      startTs: T0,
      seed: 1,
      events: [x],
    });
    const truth = readings(solar, []);
    expect(stepper.exchanges).toEqual([
      {
        meterId: solar.meterId,
        at,
        finalIndex: { importWh: truth[40]!.importWh, exportWh: truth[40]!.exportWh },
        newMeterId: 'new-1',
        startIndex: { importWh: 10, exportWh: 0 },
      },
    ]);
    const sent = [...stepper.step(T0 + DAY - Q, T0 + DAY, 'catchUp')]
      .flat()
      .flatMap((m) => m.readings);
    const old = sent.filter((r) => r.meterId === solar.meterId);
    const fresh = sent.filter((r) => r.meterId === 'new-1');
    expect(old.at(-1)!.ts).toBe(at - Q);
    expect(fresh[0]!.ts).toBe(at + Q);
    expect(fresh[0]!.importWh).toBeGreaterThanOrEqual(10);
    // The new meter counts what the home consumes from `at`, from its start index.
    expect(fresh.at(-1)!.importWh - 10).toBe(truth.at(-1)!.importWh - truth[40]!.importWh);
    expect(fresh.at(-1)!.exportWh).toBe(truth.at(-1)!.exportWh! - truth[40]!.exportWh!);
    expect(stepper.nextTs()).toBe(T0 + DAY);
  });
});

describe('faults on meters with events', () => {
  it('injects no register decrease where the rules would store it', () => {
    const stepper = createFleetStepper({
      fleet: [plain, solar],
      intervalMs: Q,
      startTs: T0,
      seed: 1,
      faults: { registerDecrease: 1 },
      events: [{ kind: 'jitter', meterId: plain.meterId, at: T0 + 4 * Q, dipWh: 3 }],
    });
    const faults = [...stepper.step(T0 + 10 * Q, T0 + DAY, 'catchUp')]
      .flat()
      .flatMap((m) => (m.fault === undefined ? [] : [m.fault.meterId]));
    expect(faults).not.toContain(plain.meterId);
    expect(faults).toContain(solar.meterId);
  });
});

describe('the reading before an event', () => {
  it('is never held back, so the event reading finds it stored', () => {
    const events: MeterEvent[] = [
      { kind: 'reset', meterId: plain.meterId, at: T0 + 4 * Q },
      { kind: 'jitter', meterId: solar.meterId, at: T0 + 6 * Q, dipWh: 3 },
    ];
    const stepper = createFleetStepper({
      fleet: [plain, solar],
      intervalMs: Q,
      startTs: T0,
      seed: 1,
      faults: { late: 0.5, outOfOrder: 1 },
      events,
    });
    [...stepper.step(T0 + 10 * Q, T0 + DAY, 'catchUp')].flat();
    const held = new Set(stepper.injector.injected.map((f) => f.key));
    expect(held.has(`${plain.meterId}@${T0 + 4 * Q}`)).toBe(false);
    expect(held.has(`${solar.meterId}@${T0 + 5 * Q}`)).toBe(false);
    expect(held.has(`${plain.meterId}@${T0 + 3 * Q}`)).toBe(true);
  });
});

describe('parseMeterEvent', () => {
  const now = Date.UTC(2026, 9, 10, 12);
  const when = (s: string) => parseWhen(s, now);
  it('reads each kind with its defaults', () => {
    expect(parseMeterEvent('reset:sim-0002@-1d', when)).toEqual({
      kind: 'reset',
      meterId: 'sim-0002',
      at: now - DAY,
    });
    expect(parseMeterEvent('wrap:m@2026-10-01T00:00:00Z', when)).toMatchObject({
      registerMaxWh: 100_000,
      at: T0,
    });
    expect(parseMeterEvent('wrap:m@-1h,max=5000', when)).toMatchObject({ registerMaxWh: 5000 });
    expect(parseMeterEvent('jitter:m@-1h', when)).toMatchObject({ dipWh: 3 });
    expect(parseMeterEvent('exchange:m@-2h,new=m2,start=7', when)).toEqual({
      kind: 'exchange',
      meterId: 'm',
      at: now - 2 * 3_600_000,
      newMeterId: 'm2',
      startImportWh: 7,
    });
  });
  it('refuses what it does not know', () => {
    for (const bad of [
      'reboot:m@-1h',
      'reset:m',
      'reset:m@-1h,dip=3',
      'jitter:m@-1h,dip=0',
      'exchange:m@-1h',
      'wrap:m@-1h,max=x',
    ])
      expect(() => parseMeterEvent(bad, when), bad).toThrow();
  });
});

describe('apiExchanger', () => {
  it('posts the exchange as staff and throws on a refusal', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    let status = 201;
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return new Response('{"title":"conflict"}', { status });
    }) as typeof fetch;
    const x = {
      meterId: 'm 1',
      at: T0,
      finalIndex: { importWh: 5 },
      newMeterId: 'm2',
      startIndex: { importWh: 0 },
    };
    const exchange = apiExchanger({ apiUrl: 'http://api/', apiKey: 'k', fetch: fakeFetch });
    await exchange(x);
    expect(calls[0]?.url).toBe('http://api/v1/meters/m%201/exchange');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual(exchangeBody(x));
    expect(exchangeBody(x)).toMatchObject({ at: '2026-10-01T00:00:00Z' });
    status = 409;
    await expect(exchange(x)).rejects.toThrow(/409/);
  });
});
