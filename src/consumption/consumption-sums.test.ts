import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { type Bucket, computeConsumption } from './buckets.js';
import type { GroupBy } from './group-by.js';

const MIN = 60_000;
const t = (iso: string) => Date.parse(iso);

/** Exact milli-Wh of a value the API shows: its three-decimal text, read as an integer. */
const mwh = (wh: number | null): bigint =>
  wh === null ? 0n : BigInt(wh.toFixed(3).replace('.', ''));
const total = (buckets: readonly Bucket[], key: 'importWh' | 'exportWh') =>
  buckets.reduce((s, b) => s + mwh(b[key]), 0n);

/**
 * An awkward meter: readings 1 to 20 minutes apart with an outage of 2 to 5 hours now and then,
 * uneven increments, and an export register. A fixed-seed generator keeps the run reproducible.
 */
function awkwardMeter(from: number, to: number, seed: number): Reading[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
  const out: Reading[] = [];
  let importWh = 1_000_000;
  let exportWh = 5_000;
  for (let ts = from; ts <= to;) {
    out.push({ meterId: 'm', ts, importWh, exportWh, receivedAt: 0 });
    const step = next(50) === 0 ? (120 + next(180)) * MIN : (1 + next(20)) * MIN + next(60) * 1000;
    ts += step;
    importWh += next(Math.max(1, Math.round(step / 2_000)));
    exportWh += next(7);
  }
  return out;
}

describe('bucket values nest exactly (each is a difference of exact edge indexes)', () => {
  it.each([
    { tz: 'Europe/Paris', month: '2026-03-15T12:00Z' }, // a 23 h day
    { tz: 'Europe/Paris', month: '2026-10-15T12:00Z' }, // a 25 h day
    { tz: 'America/New_York', month: '2026-11-15T12:00Z' },
    { tz: 'Australia/Lord_Howe', month: '2026-04-15T12:00Z' }, // a 90-minute hour
    { tz: 'Asia/Kathmandu', month: '2028-02-15T12:00Z' }, // a leap month
  ])('$tz, month of $month', ({ tz, month }) => {
    const at = t(month);
    const readings = awkwardMeter(at - 40 * 86_400_000, at + 40 * 86_400_000, at % 9_973);
    const of = (groupBy: GroupBy, from = at, to = at) =>
      computeConsumption({ readings, from, to, groupBy, tz });

    const byMonth = of('month');
    const [m] = byMonth.buckets;
    expect(m?.quality).toBe('interpolated'); // the outages fall inside the month
    const byDay = of('day', byMonth.start, byMonth.end);
    const byHour = of('hour', byMonth.start, byMonth.end);
    const byQuarter = of('15m', byMonth.start, byMonth.end);
    expect(
      byHour.buckets.some((b) => b.quality === 'measured') &&
        byHour.buckets.some((b) => b.quality === 'interpolated'),
    ).toBe(true);

    for (const key of ['importWh', 'exportWh'] as const) {
      const month = mwh(m?.[key] ?? null);
      expect(month).toBeGreaterThan(0n);
      expect(total(byDay.buckets, key)).toBe(month);
      expect(total(byHour.buckets, key)).toBe(month);
      expect(total(byQuarter.buckets, key)).toBe(month);
      for (const day of byDay.buckets) {
        const inDay = (b: Bucket) => b.start >= day.start && b.end <= day.end;
        expect(total(byHour.buckets.filter(inDay), key)).toBe(mwh(day[key]));
        expect(total(byQuarter.buckets.filter(inDay), key)).toBe(mwh(day[key]));
      }
      // totals are the exact sum of the buckets, and every value has at most three decimals
      expect(mwh(byQuarter.totals[key])).toBe(month);
      expect(byQuarter.buckets.every((b) => /^\d+(\.\d{1,3})?$/.test(String(b[key])))).toBe(true);
    }
  });
});
