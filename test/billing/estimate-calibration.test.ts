import { describe, expect, it } from 'vitest';
import { localMonth } from '../../bench/billing-fleet.js';
import {
  absErrors,
  coverage,
  percentile,
  sampleEstimates,
  type EstimateSample,
} from '../../bench/estimate-fleet.js';

/**
 * The calibration of bench:estimate, on a smaller seeded fleet: 40 simulated households (8 with
 * solar panels) with a year of history, March, July, October and December 2026, each estimate as
 * the bill route would have answered it at the end of day 3, 10, 15 and 25 from the readings
 * received by then. Deterministic: the same seed gives the same bills and ranges on any machine.
 */
describe('calibration on a seeded synthetic fleet', () => {
  let samples: EstimateSample[];

  it('prices every estimate with a range, from the household history and last year', async () => {
    samples = await sampleEstimates({
      households: 40,
      seed: 1,
      installedAt: Date.UTC(2025, 0, 1),
      months: [
        localMonth(2026, 3),
        localMonth(2026, 7),
        localMonth(2026, 10),
        localMonth(2026, 12),
      ],
      days: [3, 10, 15, 25],
      consent: 'interval',
    });
    expect(samples).toHaveLength(40 * 4 * 4);
    expect(
      samples.every((s) => s.method === 'household-bootstrap' && s.projection === 'seasonal'),
    ).toBe(true);
  }, 180_000);

  it.each([3, 10, 15, 25])(
    'p10–p90 holds the settled total in 75–85 %% of bills on day %i',
    (day) => {
      const c = coverage(samples.filter((s) => s.day === day));
      expect(c).toBeGreaterThanOrEqual(75);
      expect(c).toBeLessThanOrEqual(85);
    },
  );

  it('the range narrows as the period goes by', () => {
    const width = (day: number) =>
      percentile(
        samples
          .filter((s) => s.day === day)
          .map((s) => s.widthPct)
          .sort((a, b) => a - b),
        50,
      );
    expect(width(3)).toBeGreaterThan(width(10));
    expect(width(10)).toBeGreaterThan(width(15));
    expect(width(15)).toBeGreaterThan(width(25));
  });

  it('mid-period, 9 estimates in 10 are within 8 % of the settled total', () => {
    expect(percentile(absErrors(samples.filter((s) => s.day === 15)), 90)).toBeLessThanOrEqual(8);
  });
});
