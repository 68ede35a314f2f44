import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import {
  carryCounterStarts,
  continueCounter,
  markerOf,
  storedCounterStart,
  STRICT_COUNTER,
  type CounterRules,
  type MarkedReading,
} from './counter-spans.js';

const Q = 900_000;
const r = (q: number, importWh: number, extra: Partial<Reading> = {}): Reading => ({
  meterId: 'm',
  ts: q * Q,
  importWh,
  receivedAt: q * Q,
  ...extra,
});
const newSpan: CounterRules = { ...STRICT_COUNTER, counterResets: 'new-span' };

/** Feed device readings in order, each after the stored result of the one before. */
function run(rules: CounterRules, raws: Reading[]): (Reading | undefined)[] {
  const out: (Reading | undefined)[] = [];
  let prev: Reading | undefined;
  for (const raw of raws) {
    const next = continueCounter(rules, prev, raw);
    out.push(next);
    if (next !== undefined) prev = next;
  }
  return out;
}

describe('continueCounter', () => {
  it('leaves a rising counter as it is', () => {
    expect(run(STRICT_COUNTER, [r(0, 100), r(1, 150)])).toEqual([r(0, 100), r(1, 150)]);
  });

  it('rejects an unexplained decrease, and one beyond the tolerance', () => {
    expect(run(STRICT_COUNTER, [r(0, 100), r(1, 99)])[1]).toBeUndefined();
    expect(
      run({ ...STRICT_COUNTER, decreaseToleranceWh: 50 }, [r(0, 1000), r(1, 949)])[1],
    ).toBeUndefined();
  });

  it('a Shelly-style reset: the first reading after counts its own value, later ones go on', () => {
    // 10,000 Wh before the reboot; the counter restarts from 0 and reads 40 then 90.
    const [, a, b] = run(newSpan, [r(0, 10_000), r(1, 40), r(2, 90)]);
    expect(a).toMatchObject({ importWh: 10_040, span: { event: 'reset', importOffsetWh: 10_000 } });
    expect(b).toMatchObject({ importWh: 10_090, span: { importOffsetWh: 10_000 } });
    expect(b?.span?.event).toBeUndefined();
  });

  it('a wrap from 999,999 kWh counts (max - previous) + current', () => {
    const max = 999_999_999;
    const rules = { ...STRICT_COUNTER, registerMaxWh: max };
    const [, a, b] = run(rules, [r(0, 999_999_500), r(1, 300), r(2, 800)]);
    // (999,999,999 - 999,999,500) + 300 = 799 Wh after 999,999,500.
    expect(a).toMatchObject({ importWh: 1_000_000_299, span: { event: 'wrap' } });
    expect(b?.importWh).toBe(1_000_000_799);
  });

  it('a dip of 20 Wh within a 50 Wh tolerance holds the index, and is not counted twice', () => {
    const rules = { ...STRICT_COUNTER, decreaseToleranceWh: 50 };
    const [, dip, after, again] = run(rules, [r(0, 5000), r(1, 4980), r(2, 5030), r(3, 5100)]);
    expect(dip).toMatchObject({ importWh: 5000, span: { event: 'dip', deviceImportWh: 4980 } });
    // 5030 after the held 5000 is 30 Wh, not 50.
    expect(after?.importWh).toBe(5030);
    expect(after?.span).toBeUndefined();
    expect(again?.importWh).toBe(5100);
  });

  it('a device reset marker starts a new span whatever the rules', () => {
    const started = (s: string) => ({ span: { counterStart: s } });
    const [, same, reset] = run(STRICT_COUNTER, [
      r(0, 1_066_000, started('2024-01-14T18:02:42')),
      r(1, 1_066_100, started('2024-01-14T18:02:42')),
      r(2, 20, started('2024-02-01T08:00:00')),
    ]);
    expect(same).toMatchObject({ importWh: 1_066_100 });
    expect(same?.span).toEqual({ counterStart: '2024-01-14T18:02:42' });
    expect(reset).toMatchObject({
      importWh: 1_066_120,
      span: { event: 'reset', importOffsetWh: 1_066_100, counterStart: '2024-02-01T08:00:00' },
    });
  });

  it('treats the export register by the same rules', () => {
    const [, a] = run(newSpan, [r(0, 500, { exportWh: 300 }), r(1, 10, { exportWh: 5 })]);
    expect(a).toMatchObject({
      importWh: 510,
      exportWh: 305,
      span: { event: 'reset', importOffsetWh: 500, exportOffsetWh: 300 },
    });
  });
});

describe('storedCounterStart', () => {
  const S1 = '2024-01-14T18:02:42';
  const S2 = '2024-02-01T08:00:00';
  const marked = (q: number, importWh: number, counterStart: string) =>
    r(q, importWh, { span: { counterStart } });

  it('keeps the device marker where it changes or a span begins, and nowhere else', () => {
    const raws = [marked(0, 1000, S1), marked(1, 1100, S1), marked(2, 20, S2), marked(3, 70, S2)];
    const stored: Reading[] = [];
    let prev: Reading | undefined;
    for (const raw of raws) {
      const next = continueCounter(STRICT_COUNTER, prev, raw)!;
      stored.push(storedCounterStart(next, prev));
      prev = next;
    }
    expect(stored.map((x) => x.span)).toEqual([
      { counterStart: S1 },
      undefined,
      { event: 'reset', importOffsetWh: 1100, counterStart: S2 },
      // The offset stays with every reading of the span; the marker does not.
      { importOffsetWh: 1100 },
    ]);
    // A wrap begins a span too, whatever the marker did.
    const wrapped = { ...marked(4, 10, S2), span: { event: 'wrap' as const, counterStart: S2 } };
    expect(storedCounterStart(wrapped, raws[3])).toBe(wrapped);
  });

  it('carries the marker in force to the stored readings that leave it out', () => {
    const known = [r(0, 1), marked(1, 2, S1), r(2, 3, { span: { importOffsetWh: 5 } }), r(3, 4)];
    const carried = carryCounterStarts(known, undefined);
    expect(carried.map(markerOf)).toEqual([undefined, S1, S1, S1]);
    // Held beside each reading: what the store holds stays as it was.
    expect(carried.map((x) => x.span)).toEqual(known.map((x) => x.span));
    expect(markerOf(carryCounterStarts([r(0, 1)], S2)[0]!)).toBe(S2);
  });

  it('stores a marker held beside a reading only where it changes', () => {
    const held = (q: number, importWh: number, counterStart: string): MarkedReading => ({
      ...r(q, importWh),
      counterStart,
    });
    const first = held(0, 10, S1);
    const same = held(1, 20, S1);
    expect(storedCounterStart(first, undefined).span).toEqual({ counterStart: S1 });
    // Unchanged: the very reading, since no store writes what is held beside it.
    expect(storedCounterStart(same, first)).toBe(same);
    expect(storedCounterStart(held(2, 30, S2), same).span).toEqual({ counterStart: S2 });
  });
});
