import { expect } from 'vitest';
import type { DeviceFormatKey } from '../../src/formats/registry.js';
import { makeFleet, type MeterDefinition } from '../fleet.js';
import { createMeterState } from '../meter-state.js';
import { decodeDeviceMessage } from '../wire-check.js';
import type { SimReading } from '../wire-format.js';
import { defaultTopic, type SimDevice } from './device.js';
import type { DeviceMessage, RenderContext } from './device-message.js';
import { rendererOf } from './renderers.js';

export const ZONE = 'Europe/Paris';
export const SEED = 42;
const Q = 15 * 60_000;

/** Clocks go back in Paris: 03:00 CEST becomes 02:00 CET at 01:00 UTC. */
export const AUTUMN_CHANGE = Date.UTC(2026, 9, 25, 1);
/** Clocks go forward in Paris: 02:00 CET becomes 03:00 CEST at 01:00 UTC. */
export const SPRING_CHANGE = Date.UTC(2026, 2, 29, 1);

/** A plain home and a solar home of a seeded fleet (the simulator's own meters). */
export function sampleMeters(): { plain: MeterDefinition; solar: MeterDefinition } {
  const fleet = makeFleet({ meters: 10, seed: SEED, installedAt: Date.UTC(2026, 0, 1) });
  return { plain: fleet.find((m) => !m.solar)!, solar: fleet.find((m) => m.solar)! };
}

/** The meter's readings every quarter hour over `[from, to]` (a summer noon shows export). */
export function readingsOver(meter: MeterDefinition, from: number, to: number): SimReading[] {
  return createMeterState(meter, { intervalMs: Q, startTs: from }).advanceTo(to);
}

/** The readings the format tests run over: both clock changes of 2026 and a summer noon. */
export function sampleReadings(meter: MeterDefinition): SimReading[] {
  return [
    ...readingsOver(meter, SPRING_CHANGE - 3 * 3_600_000, SPRING_CHANGE + 3 * 3_600_000),
    ...readingsOver(meter, Date.UTC(2026, 5, 21, 10), Date.UTC(2026, 5, 21, 14)),
    ...readingsOver(meter, AUTUMN_CHANGE - 3 * 3_600_000, AUTUMN_CHANGE + 3 * 3_600_000),
  ];
}

export function deviceFor(
  format: DeviceFormatKey,
  meterId: string,
  extra: Partial<SimDevice> = {},
): SimDevice {
  return { format, topic: defaultTopic(format, meterId), timezone: ZONE, ...extra };
}

export function contextFor(
  meter: MeterDefinition,
  device: SimDevice,
  fresh: boolean,
): RenderContext {
  return {
    meterId: meter.meterId,
    device,
    seed: SEED,
    installedAt: meter.installedAt ?? 0,
    fresh,
  };
}

/**
 * Every message of every reading, read back by the format's real parser, gives exactly what the
 * renderer says the receiver must do with it: the reading it stores (registers, export, power, the
 * time when the device states one) or the rejection. Answers every message, for further checks.
 */
export function expectExactRoundTrip(
  meter: MeterDefinition,
  device: SimDevice,
  readings: readonly SimReading[],
  fresh: boolean,
): DeviceMessage[] {
  const renderer = rendererOf(device.format);
  const ctx = contextFor(meter, device, fresh);
  const all: DeviceMessage[] = [];
  for (const r of readings) {
    const receivedAt = r.ts + 1234;
    for (const m of renderer.render(r, ctx)) {
      all.push(m);
      expect(m.topic).toBe(device.topic);
      const got = decodeDeviceMessage(meter.meterId, device, m.payload, receivedAt);
      if (m.outcome.kind === 'rejected') {
        expect(got.ok ? 'stored' : got.reason, m.payload).toBe(m.outcome.reason);
        continue;
      }
      if (!got.ok) throw new Error(`${got.reason}: ${got.detail}\n${m.payload}`);
      expect(got.readings).toHaveLength(1);
      const { tsSource, ...reading } = got.readings[0]!;
      expect(tsSource, m.payload).toBe(m.outcome.tsSource);
      const want = m.outcome.reading;
      expect(reading, m.payload).toEqual({
        meterId: want.meterId,
        ts: tsSource === 'received' ? receivedAt : want.ts,
        importWh: want.importWh,
        exportWh: want.exportWh,
        powerW: want.powerW,
        registers: want.registers,
      });
    }
  }
  return all;
}

/** Every malformed variant is rejected by the parser with the reason the renderer gives. */
export function expectMalformedRejected(
  meter: MeterDefinition,
  device: SimDevice,
  readings: readonly SimReading[],
): Set<string> {
  const renderer = rendererOf(device.format);
  const ctx = contextFor(meter, device, false);
  const reasons = new Set<string>();
  readings.forEach((r, i) => {
    const u = (i + 0.5) / readings.length;
    const bad = renderer.malformed(r, ctx, u);
    const got = decodeDeviceMessage(meter.meterId, device, bad.payload, r.ts);
    expect(got.ok ? 'stored' : got.reason, bad.payload).toBe(bad.reason);
    reasons.add(bad.reason);
  });
  return reasons;
}
