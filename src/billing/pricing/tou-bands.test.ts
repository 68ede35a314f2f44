import { describe, expect, it } from 'vitest';
import { DESIGN_TARIFF } from '../../../test/support/design-tariff.js';
import { tariffSchema } from '../tariff-schema.js';
import { localClock } from './local-clock.js';
import { touBandOf } from './tou-bands.js';

const touOf = (windows: unknown[]) => {
  const doc = structuredClone(DESIGN_TARIFF) as unknown as {
    versions: { energy: { windows: unknown[] } }[];
  };
  const v = doc.versions[0];
  if (v !== undefined) v.energy.windows = windows;
  const energy = tariffSchema.parse(doc).versions[0]?.energy;
  if (energy?.type !== 'tou') throw new Error('not tou');
  return touBandOf(energy);
};

const bandAt = (bandOf: ReturnType<typeof touBandOf>, iso: string, tz = 'Europe/Paris') =>
  bandOf(localClock(tz)(Date.parse(iso)));

describe('touBandOf (docs/design.md §5 rule 1, by the local start time of the interval)', () => {
  // HC 22:00–06:00 every day, else HP
  const design = touOf([...DESIGN_TARIFF.versions[0].energy.windows]);

  it.each([
    ['2026-10-24T21:45+02:00', 'HP'], // 21:45, the last HP quarter of the evening
    ['2026-10-24T22:00+02:00', 'HC'], // from <= t
    ['2026-10-25T00:00+02:00', 'HC'], // after midnight: t < to of the wrapping window
    ['2026-10-25T02:00+02:00', 'HC'], // 02:00 CEST, the first 02:00 of the 25-hour day …
    ['2026-10-25T02:00+01:00', 'HC'], // … and 02:00 CET, the repeated hour: both HC
    ['2026-10-25T05:45+01:00', 'HC'],
    ['2026-10-25T06:00+01:00', 'HP'], // t < to fails at 06:00 exactly
    ['2026-03-29T01:45+01:00', 'HC'],
    ['2026-03-29T03:00+02:00', 'HC'], // the quarter after 01:45 CET reads 03:00 CEST
  ])('%s is %s', (iso, band) => {
    expect(bandAt(design, iso)).toBe(band);
  });

  it('matches a wrapping window by the weekday of the interval start, not of the evening it began', () => {
    // A Friday-only 22:00–06:00 window covers Friday 00:00–06:00 and Friday 22:00–24:00 (rule 1
    // read literally: the weekday of the interval's own start must be listed), not Saturday's early
    // hours.
    const fri = touOf([{ band: 'HC', from: '22:00', to: '06:00', days: ['fri'] }]);
    expect([
      bandAt(fri, '2026-10-02T03:00+02:00'), // Friday 03:00
      bandAt(fri, '2026-10-02T23:00+02:00'), // Friday 23:00
      bandAt(fri, '2026-10-03T03:00+02:00'), // Saturday 03:00
      bandAt(fri, '2026-10-01T23:00+02:00'), // Thursday 23:00
    ]).toEqual(['HC', 'HC', 'HP', 'HP']);
  });

  it('matches plain windows with from <= t < to, and a window ending at midnight', () => {
    const weekend = touOf([
      { band: 'HC', from: '12:00', to: '14:00', days: ['sat', 'sun'] },
      { band: 'HC', from: '23:00', to: '00:00', days: ['mon'] },
    ]);
    expect([
      bandAt(weekend, '2026-10-03T11:45+02:00'),
      bandAt(weekend, '2026-10-03T12:00+02:00'),
      bandAt(weekend, '2026-10-04T13:45+02:00'),
      bandAt(weekend, '2026-10-04T14:00+02:00'),
      bandAt(weekend, '2026-10-05T12:00+02:00'),
      bandAt(weekend, '2026-10-05T23:45+02:00'),
      bandAt(weekend, '2026-10-06T00:00+02:00'),
    ]).toEqual(['HP', 'HC', 'HC', 'HP', 'HP', 'HC', 'HP']);
  });

  it('reads the local time in the given zone', () => {
    expect(bandAt(design, '2026-10-24T21:00Z', 'Europe/Paris')).toBe('HC'); // 23:00 in Paris
    expect(bandAt(design, '2026-10-24T21:00Z', 'America/New_York')).toBe('HP'); // 17:00 in New York
    expect(bandAt(design, '2026-10-24T21:00Z', 'Asia/Kathmandu')).toBe('HC'); // 02:45 in Kathmandu
  });
});
