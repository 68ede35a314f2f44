import { describe, expect, it } from 'vitest';
import { METER_ID_PATTERN, makeFleet } from './fleet.js';
import { alignDown, parseInterval } from './interval.js';
import { createMeterState } from './meter-state.js';
import { createRegisterModel } from './register-model.js';

const HOUR = 3_600_000;
const Q = 15 * 60_000;

describe('fleet', () => {
  it('makes valid, zero-padded meter ids and about one solar home in five', () => {
    const fleet = makeFleet({ meters: 50, seed: 1 });
    expect(fleet[0]?.meterId).toBe('sim-0001');
    expect(fleet[49]?.meterId).toBe('sim-0050');
    for (const m of fleet) expect(m.meterId).toMatch(METER_ID_PATTERN);
    expect(fleet.filter((m) => m.solar)).toHaveLength(10);
    for (const m of fleet) expect(m.profile.solarKwp > 0).toBe(m.solar);
    expect(makeFleet({ meters: 5, seed: 9 }).filter((m) => m.solar)).toHaveLength(1);
    expect(makeFleet({ meters: 12_345, seed: 1, prefix: 'x.' })[0]?.meterId).toBe('x.00001');
  });

  it('is deterministic by seed', () => {
    expect(makeFleet({ meters: 8, seed: 5 })).toEqual(makeFleet({ meters: 8, seed: 5 }));
    expect(makeFleet({ meters: 8, seed: 5 })).not.toEqual(makeFleet({ meters: 8, seed: 6 }));
  });

  it('refuses a prefix that makes invalid ids', () => {
    expect(() => makeFleet({ meters: 1, seed: 1, prefix: '-bad/' })).toThrow(RangeError);
  });
});

describe('interval', () => {
  it('parses names and milliseconds, and refuses the rest', () => {
    expect(parseInterval('15m')).toBe(Q);
    expect(parseInterval('1h')).toBe(HOUR);
    expect(parseInterval('60000')).toBe(60_000);
    expect(parseInterval(300_000)).toBe(300_000);
    for (const bad of ['7m', '0', '1500', 'abc', 7 * 60_000])
      expect(() => parseInterval(bad)).toThrow(RangeError);
    expect(alignDown(Date.UTC(2026, 0, 1, 10, 14, 59), Q)).toBe(Date.UTC(2026, 0, 1, 10));
  });
});

describe('meter state', () => {
  const fleet = makeFleet({ meters: 10, seed: 11 });
  const from = Date.UTC(2025, 0, 1);
  const to = Date.UTC(2026, 0, 1);

  it('reads on interval boundaries with integer registers that never decrease, for a whole year', () => {
    for (const meter of fleet) {
      const state = createMeterState(meter, { startTs: from + 7 * 60_000, intervalMs: Q });
      const readings = state.advanceTo(to);
      expect(readings).toHaveLength((to - from) / Q + 1);
      // One expect per meter: a million expect() calls would take longer than the simulation.
      const problems: string[] = [];
      let prev = readings[0];
      for (const r of readings) {
        if (r.ts % Q !== 0) problems.push(`unaligned ${r.ts}`);
        if (!Number.isSafeInteger(r.importWh) || r.importWh < (prev?.importWh ?? 0))
          problems.push(`import ${r.importWh} at ${r.ts}`);
        if (
          meter.solar
            ? !Number.isSafeInteger(r.exportWh) || (r.exportWh ?? 0) < (prev?.exportWh ?? 0)
            : r.exportWh !== undefined
        ) {
          problems.push(`export ${r.exportWh} at ${r.ts}`);
        }
        if (!(Math.abs(r.powerW) <= 15_000)) problems.push(`power ${r.powerW} at ${r.ts}`);
        prev = r;
      }
      expect(problems.slice(0, 5)).toEqual([]);
      const kWh = ((readings.at(-1)?.importWh ?? 0) - (readings[0]?.importWh ?? 0)) / 1000;
      expect(kWh).toBeGreaterThan(meter.solar ? 500 : 1500);
      expect(kWh).toBeLessThan(8000);
    }
  });

  it('exports only in daylight', () => {
    for (const meter of fleet.filter((m) => m.solar)) {
      const readings = createMeterState(meter, { startTs: from, intervalMs: Q }).advanceTo(to);
      let exported = 0;
      let night = 0;
      for (let i = 1; i < readings.length; i++) {
        const r = readings[i];
        const d = (r?.exportWh ?? 0) - (readings[i - 1]?.exportWh ?? 0);
        const localHour = new Date((r?.ts ?? 0) + HOUR).getUTCHours();
        if (d > 0 && (localHour < 5 || localHour > 21)) night += d;
        exported += d;
      }
      expect(night).toBe(0);
      expect(exported).toBeGreaterThan(100_000);
    }
  });

  it('gives the same reading for a (meter, ts) whatever the start: restarts never go backwards', () => {
    const meter = fleet[3];
    if (!meter) throw new Error('no meter');
    const ts = Date.UTC(2025, 6, 14, 18, 45);
    const a = createMeterState(meter, { startTs: ts - 40 * 24 * HOUR });
    const b = createMeterState(meter, { startTs: ts });
    const fromA = a.advanceTo(ts).at(-1);
    expect(fromA).toEqual(b.advanceTo(ts)[0]);
    expect(b.readingAt(ts)).toEqual(fromA);
    expect(createMeterState(meter, { startTs: from }).readingAt(ts)).toEqual(fromA);
  });

  it('is deterministic by seed and respects the installation date', () => {
    const installedAt = Date.UTC(2025, 3, 2, 9, 10);
    const [m] = makeFleet({ meters: 1, seed: 2, installedAt });
    if (!m) throw new Error('no meter');
    const s = createMeterState(m, { startTs: installedAt - 10 * HOUR, intervalMs: Q });
    expect(s.nextTs).toBe(Date.UTC(2025, 3, 2, 9, 15));
    const [again] = makeFleet({ meters: 1, seed: 2, installedAt });
    if (!again) throw new Error('no meter');
    expect(createMeterState(again, { startTs: installedAt }).advanceTo(installedAt + HOUR)).toEqual(
      s.advanceTo(installedAt + HOUR),
    );
    expect(() =>
      createRegisterModel(m.profile, m.initialRegisters, installedAt).at(installedAt - 24 * HOUR),
    ).toThrow(RangeError);
  });

  it('hands out at most `max` readings per call and continues where it stopped', () => {
    const meter = fleet[0];
    if (!meter) throw new Error('no meter');
    const s = createMeterState(meter, { startTs: from, intervalMs: HOUR });
    expect(s.advanceTo(from + 10 * HOUR, 4).map((r) => r.ts)).toEqual(
      [0, 1, 2, 3].map((i) => from + i * HOUR),
    );
    expect(s.advanceTo(from + 10 * HOUR)).toHaveLength(7);
    expect(s.advanceTo(from + 10 * HOUR)).toHaveLength(0);
  });
});
