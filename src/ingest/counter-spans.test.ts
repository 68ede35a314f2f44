import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { continueCounter, STRICT_COUNTER, type CounterRules } from './counter-spans.js';

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
