import { describe, expect, it } from 'vitest';
import {
  AUTUMN_CHANGE,
  contextFor,
  deviceFor,
  expectExactRoundTrip,
  expectMalformedRejected,
  readingsOver,
  sampleMeters,
  sampleReadings,
} from './render.test-support.js';
import { tasmotaRenderer } from './tasmota.js';

const { plain, solar } = sampleMeters();

describe('tasmota rendering', () => {
  it.each([
    ['a plain home', plain],
    ['a solar home', solar],
  ])('parses back to the simulated registers exactly (%s)', (_name, meter) => {
    const device = deviceFor('tasmota', meter.meterId);
    for (const fresh of [false, true])
      expectExactRoundTrip(meter, device, sampleReadings(meter), fresh);
  });

  it('writes the local time without offset, Total in kWh with three decimals', () => {
    const [r] = readingsOver(plain, Date.UTC(2026, 10, 29, 17, 15), Date.UTC(2026, 10, 29, 17, 15));
    const [m] = tasmotaRenderer.render(
      r!,
      contextFor(plain, deviceFor('tasmota', plain.meterId), false),
    );
    expect(m!.payload).toMatch(
      /^\{"Time":"2026-11-29T18:15:00","ENERGY":\{"TotalStartTime":"2026-01-01T01:00:00",/,
    );
    expect(m!.payload).toContain(
      `"Total":${Math.floor(r!.importWh / 1000)}.${String(r!.importWh % 1000).padStart(3, '0')},`,
    );
    expect(m!.outcome).toMatchObject({ kind: 'stored', tsSource: 'meter' });
  });

  it('sends the repeated autumn hour without offset, which is read at receipt', () => {
    const device = deviceFor('tasmota', plain.meterId);
    const readings = readingsOver(
      plain,
      AUTUMN_CHANGE - 2 * 3_600_000,
      AUTUMN_CHANGE + 2 * 3_600_000,
    );
    const messages = expectExactRoundTrip(plain, device, readings, false);
    const atReceipt = messages.filter((m) => m.quirk === 'ambiguousLocalTime');
    // 02:00 to 02:45 local, once in summer time and once in winter time.
    expect(atReceipt.map((m) => JSON.parse(m.payload).Time)).toEqual(
      ['02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45'].map(
        (t) => `2026-10-25T${t}:00`,
      ),
    );
  });

  it('stamps some live messages with a clock never set, never a backlog', () => {
    const device = deviceFor('tasmota', plain.meterId);
    const readings = readingsOver(plain, Date.UTC(2026, 4, 1), Date.UTC(2026, 4, 8));
    const live = expectExactRoundTrip(plain, device, readings, true);
    const unsynced = live.filter((m) => m.quirk === 'unsyncedClock');
    expect(unsynced.length).toBeGreaterThan(0);
    expect(unsynced.length).toBeLessThan(readings.length * 0.05);
    for (const m of unsynced) expect(JSON.parse(m.payload).Time).toMatch(/^1970-01-01T00:/);
    const backlog = expectExactRoundTrip(plain, device, readings, false);
    expect(backlog.some((m) => m.quirk === 'unsyncedClock')).toBe(false);
    const quiet = expectExactRoundTrip(plain, { ...device, quirks: false }, readings, true);
    expect(quiet.some((m) => m.quirk === 'unsyncedClock')).toBe(false);
  });

  it('breaks payloads the way the parser rejects them', () => {
    const device = deviceFor('tasmota', solar.meterId);
    expect(expectMalformedRejected(solar, device, sampleReadings(solar))).toEqual(
      new Set(['invalid_json', 'invalid_schema', 'no_reading']),
    );
  });
});
