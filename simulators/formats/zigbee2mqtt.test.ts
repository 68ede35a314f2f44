import { describe, expect, it } from 'vitest';
import {
  deviceFor,
  expectExactRoundTrip,
  expectMalformedRejected,
  readingsOver,
  sampleMeters,
  sampleReadings,
  SEED,
} from './render.test-support.js';
import { lastSeenOf } from './zigbee2mqtt.js';

const { plain, solar } = sampleMeters();
const week = (meterId: string) =>
  readingsOver(
    plain.meterId === meterId ? plain : solar,
    Date.UTC(2026, 4, 1),
    Date.UTC(2026, 4, 8),
  );

describe('zigbee2mqtt rendering', () => {
  it.each([
    ['a plain home', plain],
    ['a solar home', solar],
  ])('parses back to the simulated registers exactly (%s)', (_name, meter) => {
    const device = deviceFor('zigbee2mqtt', meter.meterId);
    expectExactRoundTrip(meter, device, sampleReadings(meter), true);
  });

  it('reads the time from last_seen as the bridge is set up, or at receipt when it is off', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `z-${i}`);
    const settings = new Set(
      ids.map((meterId) =>
        lastSeenOf({ seed: SEED, meterId, device: deviceFor('zigbee2mqtt', meterId) }),
      ),
    );
    expect(settings).toEqual(new Set(['ISO_8601', 'ISO_8601_local', 'epoch', 'disable']));
    for (const meterId of ids) {
      const device = deviceFor('zigbee2mqtt', meterId);
      const setting = lastSeenOf({ seed: SEED, meterId, device });
      const meter = { ...plain, meterId };
      const readings = readingsOver(meter, Date.UTC(2026, 9, 25), Date.UTC(2026, 9, 25, 3));
      for (const m of expectExactRoundTrip(meter, device, readings, true))
        if (m.outcome.kind === 'stored')
          expect(m.outcome.tsSource).toBe(setting === 'disable' ? 'received' : 'meter');
      const quiet = lastSeenOf({ seed: SEED, meterId, device: { ...device, quirks: false } });
      expect(quiet).not.toBe('disable');
    }
  });

  it('sends energy in kWh to two decimals, repeats states and sometimes a null energy', () => {
    const device = deviceFor('zigbee2mqtt', plain.meterId);
    const readings = week(plain.meterId);
    const messages = expectExactRoundTrip(plain, device, readings, true);
    for (const m of messages) {
      const state = JSON.parse(m.payload) as { energy: number | null; power: number };
      if (state.energy !== null) expect(String(state.energy)).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(Number.isInteger(state.power)).toBe(true);
    }
    const repeated = messages.filter((m) => m.quirk === 'repeatedState');
    const nulls = messages.filter((m) => m.quirk === 'energyNull');
    expect(repeated.length).toBeGreaterThan(readings.length * 0.05);
    expect(nulls.length).toBeGreaterThan(0);
    for (const m of nulls) expect(m.outcome).toEqual({ kind: 'rejected', reason: 'no_reading' });
    // A repeated state is the same reading as the one before it.
    for (const m of repeated) {
      const before = messages[messages.indexOf(m) - 1]!;
      expect(m.outcome).toEqual(before.outcome);
    }
    const quiet = expectExactRoundTrip(plain, { ...device, quirks: false }, readings, true);
    expect(quiet).toHaveLength(readings.length);
  });

  it('breaks payloads the way the parser rejects them', () => {
    const device = deviceFor('zigbee2mqtt', plain.meterId);
    expect(expectMalformedRejected(plain, device, sampleReadings(plain))).toEqual(
      new Set(['invalid_json', 'invalid_schema']),
    );
  });
});
