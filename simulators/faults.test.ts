import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, createFaultInjector } from './faults.js';
import { FAULT_KINDS, type FaultRates, type OutgoingItem } from './injected-faults.js';
import { makeFleet } from './fleet.js';
import { createMeterState } from './meter-state.js';
import { decodePayload } from './wire-check.js';
import { readingKey, type SimReading } from './wire-format.js';

const Q = 15 * 60_000;
const FROM = Date.UTC(2026, 8, 1);
const TO = Date.UTC(2026, 9, 1);
const NOW = Date.UTC(2026, 9, 1, 0, 7, 31, 250);
const fleet = makeFleet({ meters: 20, seed: 4 });
const generated = new Map(
  fleet.map((m) => [
    m.meterId,
    createMeterState(m, { startTs: FROM, intervalMs: Q }).advanceTo(TO),
  ]),
);
const total = [...generated.values()].reduce((s, rs) => s + rs.length, 0);

/**
 * Run every meter through an injector one reading at a time (as in the live phase), then release.
 */
function inject(rates: FaultRates, chunk = 1) {
  const injector = createFaultInjector({ rates, seed: 77, intervalMs: Q });
  const out = new Map<string, OutgoingItem[]>();
  for (const [meterId, readings] of generated) {
    const items: OutgoingItem[] = [];
    for (let i = 0; i < readings.length; i += chunk)
      items.push(...injector.process(meterId, readings.slice(i, i + chunk), NOW));
    items.push(...injector.release(meterId));
    out.set(meterId, items);
  }
  return { injector, out };
}

describe('fault injection', () => {
  const rates: FaultRates = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0.01]));
  const { injector, out } = inject(rates);

  it('keeps exact counts that match the list of injected faults, near the asked rates', () => {
    for (const kind of FAULT_KINDS) {
      const n = injector.counts[kind];
      expect(injector.injected.filter((f) => f.kind === kind)).toHaveLength(n);
      expect(n).toBeGreaterThan(total * 0.01 * 0.5);
      expect(n).toBeLessThan(total * 0.01 * 1.5);
    }
    expect(injector.heldCount()).toBe(0);
  });

  it('sends every valid reading, once, or twice when duplicated', () => {
    const dupKeys = new Set(
      injector.injected.filter((f) => f.kind === 'duplicate').map((f) => f.key),
    );
    for (const [meterId, readings] of generated) {
      const seen = new Map<string, number>();
      for (const item of out.get(meterId) ?? []) {
        if (item.kind !== 'reading') continue;
        const key = readingKey(item.reading.meterId, item.reading.ts);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      expect(seen.size).toBe(readings.length);
      const wrong = readings
        .map((r) => readingKey(meterId, r.ts))
        .filter((key) => seen.get(key) !== (dupKeys.has(key) ? 2 : 1));
      expect(wrong).toEqual([]);
    }
  });

  it('delivers out-of-order readings after a later one, and late readings at least 2 h of readings later', () => {
    for (const f of injector.injected.filter((x) => x.kind === 'outOfOrder' || x.kind === 'late')) {
      const items = out.get(f.meterId) ?? [];
      const at = items.findIndex((i) => i.kind === 'reading' && i.reading.ts === f.ts);
      const before = items
        .slice(0, at)
        .flatMap((i) => (i.kind === 'reading' ? [i.reading.ts] : []));
      const latestBefore = Math.max(...before);
      const lastOfRun = f.ts === generated.get(f.meterId)?.at(-1)?.ts;
      if (lastOfRun) continue; // released at the end of the run, after nothing
      expect(latestBefore).toBeGreaterThan(f.ts ?? Infinity);
      // A late reading waits for a reading 2 h or more after it, unless the run ended first.
      if (f.kind === 'late' && latestBefore !== TO)
        expect(latestBefore - (f.ts ?? 0)).toBeGreaterThanOrEqual(2 * 3_600_000);
    }
  });

  it('builds rejections that the receiver can only reject, each in its own message', () => {
    for (const f of injector.injected.filter((x) => x.expectedReason !== undefined)) {
      const items = out.get(f.meterId) ?? [];
      const at = items.findIndex((i) => i.kind === 'single' && i.fault === f);
      expect(at).toBeGreaterThanOrEqual(0);
      const decoded = decodePayload(f.payload ?? '');
      if (f.kind === 'malformed') {
        expect(decoded.ok ? undefined : decoded.reason).toBe(f.expectedReason);
        continue;
      }
      if (!decoded.ok) throw new Error(`undecodable ${f.payload}`);
      const [r] = decoded.readings;
      expect(r?.ts).toBe(f.ts);
      if (f.kind === 'clockSkew') {
        expect(f.expectedReason).toBe('future_timestamp');
        expect(
          (f.ts ?? 0) - (Math.floor(NOW / 1000) * 1000 + CLOCK_SKEW_MS),
        ).toBeGreaterThanOrEqual(0);
        expect((f.ts ?? 0) - (Math.floor(NOW / 1000) * 1000 + CLOCK_SKEW_MS)).toBeLessThan(300_000);
      } else {
        // register_decrease: below the latest reading already sent, before the next boundary.
        expect(f.expectedReason).toBe('register_decrease');
        const sent = items.slice(0, at).flatMap((i) => (i.kind === 'reading' ? [i.reading] : []));
        const latest = sent.reduce<SimReading | undefined>(
          (a, b) => (a === undefined || b.ts > a.ts ? b : a),
          undefined,
        );
        expect(r?.importWh).toBeLessThan(latest?.importWh ?? -1);
        expect(r?.ts).toBeGreaterThan(latest?.ts ?? Infinity);
        expect((r?.ts ?? 0) % Q).not.toBe(0);
      }
    }
    const reasons = new Set(injector.injected.map((f) => f.expectedReason));
    for (const reason of [
      'invalid_json',
      'invalid_schema',
      'register_decrease',
      'future_timestamp',
    ])
      expect(reasons).toContain(reason);
  });

  it('decides by (seed, meter, ts): the same faults however the readings are grouped', () => {
    const chunked = inject(rates, 97);
    expect(chunked.injector.counts).toEqual(injector.counts);
    expect(chunked.injector.injected).toEqual(injector.injected);
    expect(chunked.out).toEqual(out);
  });

  it('injects nothing unless asked', () => {
    const none = inject({});
    expect(Object.values(none.injector.counts).every((n) => n === 0)).toBe(true);
    for (const [meterId, readings] of generated) {
      expect(none.out.get(meterId)).toEqual(
        readings.map((reading) => ({ kind: 'reading', reading })),
      );
    }
  });
});
