import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { estimatedBill, type PeriodBill } from '../../src/billing/bills/period-bill.js';
import { tariffSchema } from '../../src/billing/tariff-schema.js';
import type { Reading } from '../../src/readings/reading.js';
import { DESIGN_TARIFF } from '../support/design-tariff.js';

const Q = 900_000;
const DAY = 86_400_000;
const TZ = 'Europe/Paris';
const TARIFF = tariffSchema.parse(DESIGN_TARIFF);
/** November 2026 in Paris; the estimate at the end of 15 November. */
const NOV = Date.parse('2026-10-31T23:00:00Z');
const DEC = Date.parse('2026-11-30T23:00:00Z');
const NOW = Date.parse('2026-11-15T23:00:00Z');

/**
 * Quarter-hour readings over [from, now] of a home drawing `importW(day, t)` and exporting
 * `exportW(day, t)` (W, per local day index and instant).
 */
function home(
  from: number,
  importW: (day: number, t: number) => number,
  exportW?: (day: number, t: number) => number,
): Reading[] {
  const out: Reading[] = [];
  let imp = 1_000_000;
  let exp = 0;
  for (let t = from; t <= NOW; t += Q) {
    out.push({
      meterId: 'm',
      ts: t,
      importWh: Math.round(imp),
      ...(exportW === undefined ? {} : { exportWh: Math.round(exp) }),
      receivedAt: t,
    });
    const day = Math.floor((t - from) / DAY);
    imp += importW(day, t) / 4;
    if (exportW !== undefined) exp += exportW(day, t) / 4;
  }
  return out;
}

const estimate = (readings: Reading[]): PeriodBill =>
  estimatedBill(
    {
      tariff: TARIFF,
      tz: TZ,
      period: { start: NOV, end: DEC },
      meters: [{ meterId: 'm', readings }],
    },
    NOW,
  );

/** Width of the range relative to p50. */
const width = (b: PeriodBill) =>
  new Decimal(b.estimate!.p90).minus(b.estimate!.p10).div(b.estimate!.p50).toNumber();

/** A seeded day-to-day swing in [-1, 1]. */
const swing = (day: number) => (Math.sin(day * 12.9898 + 78.233) * 43758.5453) % 1;

function expectSound(b: PeriodBill): void {
  const { p10, p50, p90 } = b.estimate!;
  expect(p50).toBe(b.bill.total);
  expect(new Decimal(p10).lte(p50)).toBe(true);
  expect(new Decimal(p90).gte(p50)).toBe(true);
  const lines = b.bill.lines.reduce((a, l) => a.plus(l.amount), new Decimal(0));
  expect(lines.toFixed(2)).toBe(b.bill.total);
}

describe('the range of an estimate, on constructed households', () => {
  const start = NOV - 28 * DAY;

  it('constant use: the household history says the rest of the month is known, a zero-width band', () => {
    const b = estimate(home(start, () => 300));
    expectSound(b);
    expect(b.basis).toMatchObject({ method: 'household-bootstrap', projection: 'recent-weeks' });
    expect(b.estimate).toEqual({ p10: b.bill.total, p50: b.bill.total, p90: b.bill.total });
  });

  it('a volatile home gets a wide band, a steadier one a narrow one, in proportion', () => {
    const steady = estimate(home(start, (d) => 300 * (1 + 0.05 * swing(d))));
    const volatile = estimate(home(start, (d) => 300 * (1 + 0.5 * swing(d))));
    for (const b of [steady, volatile]) {
      expectSound(b);
      expect(b.basis.method).toBe('household-bootstrap');
    }
    expect(width(steady)).toBeGreaterThan(0);
    expect(width(steady)).toBeLessThan(0.03);
    expect(width(volatile)).toBeGreaterThan(0.15);
    // Ten times the day-to-day swing: about ten times the width (scenarios are priced, with the
    // standing charge fixed, hence not exactly).
    expect(width(volatile) / width(steady)).toBeGreaterThan(7);
    expect(width(volatile) / width(steady)).toBeLessThan(13);
  });

  it('a short history borrows the fleet residuals: a band even for constant use, and it says so', () => {
    const b = estimate(home(NOV + 5 * DAY, () => 300));
    expectSound(b);
    expect(b.basis.method).toBe('fleet-bootstrap');
    expect(width(b)).toBeGreaterThan(0.05);
  });

  it('a solar home: export projected and credited, the range spans sunny and cloudy days', () => {
    const daylight = (t: number) => {
      const h = new Date(t).getUTCHours();
      return h >= 9 && h < 15;
    };
    const b = estimate(
      home(
        start,
        (d, t) => (daylight(t) ? 50 : 400),
        (d, t) => (daylight(t) ? 2000 * (1 + 0.6 * swing(d)) : 0),
      ),
    );
    expectSound(b);
    expect(b.basis.projectedExportWh).toBeGreaterThan(0);
    expect(b.bill.lines.some((l) => l.kind === 'export_credit')).toBe(true);
    expect(width(b)).toBeGreaterThan(0.05);
  });

  it('the same history always gives the same range', () => {
    const readings = home(start, (d) => 300 * (1 + 0.3 * swing(d)));
    expect(estimate(readings)).toEqual(estimate(readings));
  });
});
