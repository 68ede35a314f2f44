import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { checkReadings } from './plausibility.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 10, 1);
const rules = { installedAt: t0 - 24 * H, maxPowerW: 10_000 };
const r = (hours: number, importWh: number, extra: Partial<Reading> = {}): Reading => ({
  meterId: 'm',
  ts: t0 + hours * H,
  importWh,
  receivedAt: t0 + 1000 * H,
  ...extra,
});
const reasons = (known: Reading[], incoming: Reading[]) => {
  const out = checkReadings(rules, known, incoming);
  return {
    accepted: out.accepted.map((x) => (x.ts - t0) / H),
    duplicates: out.duplicates.length,
    rejected: out.rejected.map((v) => v.reason),
  };
};

describe('checkReadings', () => {
  it('accepts a monotonic stream, in order or not', () => {
    expect(reasons([], [r(0, 100), r(1, 200), r(2, 300)])).toEqual({
      accepted: [0, 1, 2],
      duplicates: 0,
      rejected: [],
    });
    expect(reasons([r(0, 100), r(3, 400)], [r(2, 300), r(1, 200)])).toEqual({
      accepted: [2, 1],
      duplicates: 0,
      rejected: [],
    });
  });

  it('judges a decrease against neighbours in meter time, not arrival order', () => {
    // 250 at 1 h lies between 200 at 0 h and 300 at 2 h: fine even though it arrives last.
    expect(reasons([r(0, 200), r(2, 300)], [r(1, 250)]).rejected).toEqual([]);
    // 350 at 1 h is above the later 300 at 2 h.
    expect(reasons([r(0, 200), r(2, 300)], [r(1, 350)]).rejected).toEqual(['register_decrease']);
    expect(reasons([r(0, 200)], [r(1, 150)]).rejected).toEqual(['register_decrease']);
    expect(reasons([r(0, 200, { exportWh: 50 })], [r(1, 300, { exportWh: 40 })]).rejected).toEqual([
      'register_decrease',
    ]);
  });

  it('refuses jumps that imply more than the maximum power, in either direction', () => {
    expect(reasons([r(0, 0)], [r(1, 10_000)]).rejected).toEqual([]);
    expect(reasons([r(0, 0)], [r(1, 10_001)]).rejected).toEqual(['implausible_jump']);
    expect(reasons([r(0, 0), r(2, 20_000)], [r(1, 0)]).rejected).toEqual(['implausible_jump']);
    // A long gap makes a big difference plausible.
    expect(reasons([r(0, 0)], [r(24, 200_000)]).rejected).toEqual([]);
  });

  it('counts identical resends as duplicates and refuses conflicting ones', () => {
    expect(reasons([r(0, 100)], [r(0, 100, { receivedAt: t0 + 2000 * H })])).toEqual({
      accepted: [],
      duplicates: 1,
      rejected: [],
    });
    expect(reasons([], [r(0, 100), r(0, 100)])).toEqual({
      accepted: [0],
      duplicates: 1,
      rejected: [],
    });
    expect(reasons([r(0, 100)], [r(0, 101)]).rejected).toEqual(['conflicting_duplicate']);
    expect(reasons([r(0, 100, { powerW: 5 })], [r(0, 100, { powerW: 6 })]).rejected).toEqual([
      'conflicting_duplicate',
    ]);
  });

  it('refuses readings from the future or before installation', () => {
    const now = t0 + 10 * H;
    expect(reasons([], [r(10, 1, { receivedAt: now - 5 * 60_000 })]).rejected).toEqual([]);
    expect(reasons([], [r(10, 1, { receivedAt: now - 5 * 60_000 - 1 })]).rejected).toEqual([
      'future_timestamp',
    ]);
    expect(reasons([], [r(-25, 1)]).rejected).toEqual(['before_installation']);
  });

  it('judges later readings of a batch against the accepted ones only', () => {
    // The spike at 1 h is refused, so 300 at 2 h is compared with 100 at 0 h and accepted.
    expect(reasons([], [r(0, 100), r(1, 50_000), r(2, 300)])).toEqual({
      accepted: [0, 2],
      duplicates: 0,
      rejected: ['implausible_jump'],
    });
  });

  it('joins a reset onto the index on a new-span meter, and knows its redelivery as a duplicate', () => {
    const counter = {
      counterResets: 'new-span' as const,
      registerMaxWh: null,
      decreaseToleranceWh: 0,
    };
    const out = checkReadings(
      { ...rules, counter },
      [r(0, 10_000)],
      [r(1, 40), r(1, 40), r(2, 90)],
    );
    expect(out.rejected).toEqual([]);
    expect(out.duplicates).toHaveLength(1);
    expect(out.accepted.map((x) => [x.importWh, x.span?.event])).toEqual([
      [10_040, 'reset'],
      [10_090, undefined],
    ]);
    // A strict meter still refuses it.
    expect(reasons([r(0, 10_000)], [r(1, 40)]).rejected).toEqual(['register_decrease']);
  });

  it('refuses readings after the meter was taken out', () => {
    const out = checkReadings({ ...rules, removedAt: t0 + H }, [r(0, 100)], [r(1, 150), r(2, 200)]);
    expect(out.accepted.map((x) => x.importWh)).toEqual([150]);
    expect(out.rejected.map((v) => v.reason)).toEqual(['after_removal']);
  });

  it('stores the device marker only where it changes, and remembers the one in force', () => {
    const marked = (hours: number, importWh: number, counterStart: string) =>
      r(hours, importWh, { span: { counterStart } });
    const incoming = [
      marked(1, 110, 'A'),
      marked(2, 120, 'A'),
      marked(3, 5, 'B'),
      marked(4, 9, 'B'),
    ];
    // The stored neighbour before carries the marker in force (carried over by validateBatch).
    const out = checkReadings(rules, [marked(0, 100, 'A')], incoming);
    expect(out.rejected).toEqual([]);
    expect(out.accepted.map((x) => x.span)).toEqual([
      undefined,
      undefined,
      { event: 'reset', importOffsetWh: 120, counterStart: 'B' },
      { importOffsetWh: 120 },
    ]);
    expect(out.newest).toMatchObject({ importWh: 129, span: { counterStart: 'B' } });
    // A process that shares its meters stores it with every reading.
    const every = checkReadings(rules, [marked(0, 100, 'A')], incoming, {
      everyCounterStart: true,
    });
    expect(every.accepted.map((x) => x.span?.counterStart)).toEqual(['A', 'A', 'B', 'B']);
    // Redelivered, the reset is known again from the marker in force before it: a duplicate.
    const resolved = [
      marked(0, 100, 'A'),
      marked(1, 110, 'A'),
      marked(2, 120, 'A'),
      out.accepted[2]!,
    ];
    const again = checkReadings(rules, resolved, [marked(3, 5, 'B')]);
    expect([again.duplicates.length, again.rejected]).toEqual([1, []]);
  });
});
