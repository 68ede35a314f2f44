import { describe, expect, it } from 'vitest';
import { bucketQuality, findGaps, gapOverlap } from './quality.js';

describe('findGaps', () => {
  it('keeps only stretches longer than the limit', () => {
    expect(findGaps([0, 60, 120, 300, 360, 600], 60)).toEqual([
      { from: 120, to: 300 },
      { from: 360, to: 600 },
    ]);
    expect(findGaps([0], 60)).toEqual([]);
    expect(findGaps([], 60)).toEqual([]);
  });
});

describe('gapOverlap', () => {
  it('treats gaps as open intervals and buckets in ascending order', () => {
    const inGap = gapOverlap([
      { from: 10, to: 20 },
      { from: 40, to: 45 },
    ]);
    expect([
      inGap(0, 10), // ends where the gap opens
      inGap(5, 11),
      inGap(11, 12), // inside
      inGap(19, 25),
      inGap(20, 30), // starts where it closes
      inGap(30, 40),
      inGap(30, 50), // covers the second
      inGap(50, 60),
    ]).toEqual([false, true, true, true, false, false, true, false]);
  });
});

describe('bucketQuality', () => {
  it.each([
    // no readings
    { start: 0, end: 10, first: undefined, latest: undefined, inGap: false, want: 'missing' },
    // first reading after the start
    { start: 0, end: 10, first: 1, latest: 20, inGap: false, want: 'missing' },
    // first reading on the start
    { start: 0, end: 10, first: 0, latest: 20, inGap: false, want: 'measured' },
    // latest reading on the end
    { start: 0, end: 10, first: -5, latest: 10, inGap: false, want: 'measured' },
    { start: 0, end: 10, first: -5, latest: 9, inGap: false, want: 'partial' },
    { start: 0, end: 10, first: -5, latest: 9, inGap: true, want: 'partial' },
    // starts after the latest reading
    { start: 0, end: 10, first: -5, latest: -1, inGap: false, want: 'partial' },
    { start: 0, end: 10, first: -5, latest: 10, inGap: true, want: 'interpolated' },
  ] as const)('$want: first $first, latest $latest, in a gap $inGap', ({ want, ...facts }) => {
    expect(bucketQuality(facts)).toBe(want);
  });
});
