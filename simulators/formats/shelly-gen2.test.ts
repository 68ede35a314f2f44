import { describe, expect, it } from 'vitest';
import {
  contextFor,
  deviceFor,
  expectExactRoundTrip,
  expectMalformedRejected,
  readingsOver,
  sampleMeters,
  sampleReadings,
} from './render.test-support.js';
import { shellyGen2Renderer } from './shelly-gen2.js';

const { plain, solar } = sampleMeters();

describe('shelly-gen2 rendering', () => {
  it.each([
    ['a plain home', plain],
    ['a solar home', solar],
  ])('parses back to the simulated registers exactly (%s)', (_name, meter) => {
    const device = deviceFor('shelly-gen2', meter.meterId);
    expectExactRoundTrip(meter, device, sampleReadings(meter), true);
    expectExactRoundTrip(
      meter,
      { ...device, options: { component: 'switch:1' } },
      sampleReadings(meter),
      false,
    );
  });

  it('sends NotifyStatus with ts in seconds and a fraction, and the counter in fractional Wh', () => {
    const readings = readingsOver(solar, Date.UTC(2026, 5, 21, 11), Date.UTC(2026, 5, 21, 13));
    const device = deviceFor('shelly-gen2', solar.meterId);
    const messages = expectExactRoundTrip(solar, device, readings, true);
    for (const [i, m] of messages.entries()) {
      const r = readings[i]!;
      const body = JSON.parse(m.payload) as {
        src: string;
        method: string;
        params: {
          ts: number;
          'switch:0': { aenergy: { total: number }; ret_aenergy: { total: number } };
        };
      };
      expect(body.method).toBe('NotifyStatus');
      expect(body.src).toBe(`shellyplus1pm-${solar.meterId}`);
      expect(m.payload).toMatch(/"ts":\d{10}\.\d\d,/);
      expect(m.payload).toMatch(/"total":\d+\.\d{3}\}/);
      // Sent a fraction of a second after the reading, to the hundredth.
      const ms = body.params.ts * 1000;
      expect(ms - r.ts).toBeGreaterThan(0);
      expect(ms - r.ts).toBeLessThan(1000);
      // The fraction is the exact count's: the stored register is it rounded half away from zero.
      expect(body.params['switch:0'].aenergy.total).toBeCloseTo(r.exactImportWh!, 3);
      if (m.outcome.kind === 'stored')
        expect(m.outcome.reading.importWh).toBe(Math.round(Number(r.exactImportWh!.toFixed(3))));
    }
    expect(messages.some((m) => m.payload.includes('"ret_aenergy"'))).toBe(true);
  });

  it('without the exact count, sends the register with three zero decimals', () => {
    const [r] = readingsOver(plain, Date.UTC(2026, 1, 2), Date.UTC(2026, 1, 2));
    const bare = { ...r!, exactImportWh: undefined };
    const [m] = shellyGen2Renderer.render(
      bare,
      contextFor(plain, deviceFor('shelly-gen2', plain.meterId), false),
    );
    expect(m!.payload).toContain(`"total":${r!.importWh}.000}`);
  });

  it('breaks payloads the way the parser rejects them', () => {
    const device = deviceFor('shelly-gen2', solar.meterId);
    expect(expectMalformedRejected(solar, device, sampleReadings(solar))).toEqual(
      new Set(['invalid_json', 'invalid_schema', 'no_reading']),
    );
  });
});
