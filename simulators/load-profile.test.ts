import { describe, expect, it } from 'vitest';
import { makeFleet } from './fleet.js';
import {
  MAX_HOME_POWER_W,
  consumptionW,
  integrateEnergy,
  powerFlows,
  solarW,
  type HomeProfile,
} from './load-profile.js';
import { createRegisterModel } from './register-model.js';
import { hash32, hashUnit, mulberry32 } from './prng.js';

const YEAR_FROM = Date.UTC(2025, 0, 1);
const YEAR_TO = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

const home: HomeProfile = {
  seed: 42,
  baseW: 180,
  peakW: 1100,
  morningShare: 0.5,
  winterBoost: 0.3,
  utcOffsetMinutes: 60,
  solarKwp: 0,
};
const solarHome: HomeProfile = { ...home, seed: 43, solarKwp: 6 };

describe('prng', () => {
  it('is deterministic by seed and uniform enough', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(hash32(1, 2, 3)).not.toBe(hash32(1, 2, 4));
    expect(hashUnit(2 ** 40 + 1, 5)).not.toBe(hashUnit(1, 5));
  });
});

describe('load profile', () => {
  it('gives each home of a fleet 1,500–8,000 kWh a year, 2,000–6,000 on average', () => {
    const fleet = makeFleet({ meters: 20, seed: 3 });
    // Consumption is import plus self-consumed solar: integrate each home as if it had no panels.
    const yearly = fleet.map(
      (m) =>
        integrateEnergy({ ...m.profile, solarKwp: 0 }, YEAR_FROM, YEAR_TO, HOUR).importWh / 1000,
    );
    for (const kWh of yearly) {
      expect(kWh).toBeGreaterThan(1500);
      expect(kWh).toBeLessThan(8000);
    }
    // The registers of a home without panels count the same energy (sampled
    // differently, so within 3 %).
    for (const [i, m] of fleet.entries()) {
      if (m.solar) continue;
      const model = createRegisterModel(m.profile, m.initialRegisters);
      const kWh = (model.at(YEAR_TO).importWh - model.at(YEAR_FROM).importWh) / 1000;
      expect(Math.abs(kWh - (yearly[i] ?? 0)) / kWh).toBeLessThan(0.03);
    }
    const mean = yearly.reduce((s, x) => s + x, 0) / yearly.length;
    expect(mean).toBeGreaterThan(2000);
    expect(mean).toBeLessThan(6000);
  });

  it('never draws more than 15 kW, uses more in winter and in the evening than at night', () => {
    let winter = 0;
    let summer = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let t = YEAR_FROM; t < YEAR_TO; t += 5 * 60_000) {
      const w = consumptionW(home, t);
      min = Math.min(min, w);
      max = Math.max(max, w);
      const month = new Date(t).getUTCMonth();
      if (month === 0) winter += w;
      if (month === 6) summer += w;
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(MAX_HOME_POWER_W);
    expect(max).toBeGreaterThan(2000);
    expect(winter).toBeGreaterThan(summer * 1.2);
    // a Wednesday, local hour h (UTC+1)
    const day = (h: number) => Date.UTC(2025, 10, 12, h) - HOUR;
    const avg = (h: number) => integrateEnergy(home, day(h), day(h + 1)).importWh;
    expect(avg(19) + avg(20)).toBeGreaterThan(2 * (avg(3) + avg(4)));
  });

  it('is a pure function of the profile and the instant', () => {
    const t = Date.UTC(2026, 2, 3, 17, 42);
    expect(consumptionW(home, t)).toBe(consumptionW({ ...home }, t));
    expect(consumptionW(home, t)).not.toBe(consumptionW({ ...home, seed: 99 }, t));
    expect(integrateEnergy(home, YEAR_FROM, YEAR_FROM + 10 * HOUR)).toEqual(
      integrateEnergy(home, YEAR_FROM, YEAR_FROM + 10 * HOUR),
    );
  });

  it('adds up over adjacent ranges', () => {
    const a = integrateEnergy(solarHome, YEAR_FROM, YEAR_FROM + 7 * HOUR + 123_456);
    const b = integrateEnergy(solarHome, YEAR_FROM + 7 * HOUR + 123_456, YEAR_FROM + 30 * HOUR);
    const all = integrateEnergy(solarHome, YEAR_FROM, YEAR_FROM + 30 * HOUR);
    expect(a.importWh + b.importWh).toBeCloseTo(all.importWh, 6);
    expect(a.exportWh + b.exportWh).toBeCloseTo(all.exportWh, 6);
  });

  it('produces solar only in daylight, more in summer, and exports at midday', () => {
    const localHour = (t: number) => new Date(t + HOUR).getUTCHours();
    let june = 0;
    let december = 0;
    let atNight = 0;
    for (let t = YEAR_FROM; t < YEAR_TO; t += 15 * 60_000) {
      const pv = solarW(solarHome, t);
      const h = localHour(t);
      if (h < 4 || h >= 21) atNight += pv + powerFlows(solarHome, t).exportW;
      const month = new Date(t).getUTCMonth();
      if (month === 5) june += pv;
      if (month === 11) december += pv;
    }
    expect(atNight).toBe(0);
    expect(june).toBeGreaterThan(3 * december);
    const summerNoon = integrateEnergy(
      solarHome,
      Date.UTC(2025, 5, 1, 10),
      Date.UTC(2025, 5, 30, 13),
    );
    expect(summerNoon.exportWh).toBeGreaterThan(0);
    expect(solarW(home, Date.UTC(2025, 5, 1, 11))).toBe(0);
  });
});
