import { describe, expect, it } from 'vitest';
import type { Reading } from '../readings/reading.js';
import { columnsOf } from '../readings/register-columns.js';
import { computeConsumption } from './buckets.js';
import { r, t } from './buckets.test-support.js';
import { QUALITIES, bucketQuality } from './quality.js';

const by = (reading: Reading, source: 'customer' | 'staff'): Reading => ({ ...reading, source });

/** Hourly buckets of 2026-01-01 00:00–06:00 UTC over `readings`. */
const hourly = (readings: readonly Reading[]) =>
  computeConsumption({
    readings,
    from: t('2026-01-01T00:00Z'),
    to: t('2026-01-01T06:00Z'),
    groupBy: 'hour',
    tz: 'UTC',
  }).buckets.map((b) => [b.importWh, b.quality]);

describe('quality of buckets resting on readings taken by people', () => {
  it('a self-read closing a gap: every bucket whose edges interpolate towards it is self-read', () => {
    // Meter readings stop at 01:00; the customer reads 1,500 Wh at 04:00; the meter resumes at
    // 05:00 and reads every hour.
    const readings = [
      r('2026-01-01T00:00Z', 1000),
      r('2026-01-01T01:00Z', 1100),
      by(r('2026-01-01T04:00Z', 1400), 'customer'),
      r('2026-01-01T05:00Z', 1500),
      r('2026-01-01T06:00Z', 1600),
    ];
    expect(hourly(readings)).toEqual([
      [100, 'measured'],
      // 02:00 and 03:00 are interpolated between 01:00 and the self-read at 04:00, which outweighs
      // the gap; 04:00 is the self-read itself.
      [100, 'self-read'],
      [100, 'self-read'],
      [100, 'self-read'],
      [100, 'self-read'],
      [100, 'measured'],
    ]);
  });

  it('an edge between two readings rests on both; staff outranks the customer; gaps come after', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      by(r('2026-01-01T02:30Z', 250), 'customer'),
      by(r('2026-01-01T03:30Z', 350), 'staff'),
      r('2026-01-01T06:00Z', 600),
    ];
    expect(hourly(readings)).toEqual([
      // 00:00 is the meter's; 01:00 lies between 00:00 and the 02:30 self-read.
      [100, 'self-read'],
      [100, 'self-read'],
      // 03:00 lies between the self-read and the staff reading.
      [100, 'manual'],
      [100, 'manual'],
      [100, 'manual'],
      [100, 'manual'],
    ]);
  });

  it('a reading inside a bucket that neither edge rests on changes nothing', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      by(r('2026-01-01T00:30Z', 50), 'customer'),
      r('2026-01-01T01:00Z', 100),
      r('2026-01-01T02:00Z', 200),
    ];
    const day = computeConsumption({
      readings,
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T02:00Z'),
      groupBy: 'hour',
      tz: 'UTC',
    });
    expect(day.buckets.map((b) => b.quality)).toEqual(['measured', 'measured']);
  });

  it('missing and partial come first', () => {
    const readings = [r('2026-01-01T01:00Z', 100), by(r('2026-01-01T03:30Z', 350), 'staff')];
    expect(hourly(readings)).toEqual([
      [null, 'missing'],
      // 02:00 and 03:00 lie between 01:00 and the staff reading at 03:30.
      [100, 'manual'],
      [100, 'manual'],
      [50, 'partial'],
      [0, 'partial'],
      [0, 'partial'],
    ]);
  });

  it('columns carry who took which reading, and answer as readings do', () => {
    const readings = [
      r('2026-01-01T00:00Z', 0),
      by(r('2026-01-01T03:00Z', 300), 'customer'),
      r('2026-01-01T06:00Z', 600),
    ];
    const series = columnsOf(readings);
    expect([...(series.takenBy ?? [])]).toEqual([[t('2026-01-01T03:00Z'), 'customer']]);
    const cut = {
      from: t('2026-01-01T00:00Z'),
      to: t('2026-01-01T06:00Z'),
      groupBy: 'hour' as const,
      tz: 'UTC',
    };
    expect(computeConsumption({ ...cut, series }).buckets).toEqual(
      computeConsumption({ ...cut, readings }).buckets,
    );
    expect(columnsOf([r('2026-01-01T00:00Z', 0)]).takenBy).toBeUndefined();
  });

  it('the precedence list is the order bucketQuality applies', () => {
    const facts = { start: 0, end: 10, first: 0, latest: 10 };
    expect(bucketQuality({ ...facts, inGap: true, takenBy: 'staff' })).toBe('manual');
    expect(bucketQuality({ ...facts, inGap: true, takenBy: 'customer' })).toBe('self-read');
    expect(bucketQuality({ ...facts, latest: 9, inGap: false, takenBy: 'staff' })).toBe('partial');
    expect(QUALITIES).toEqual([
      'missing',
      'partial',
      'manual',
      'self-read',
      'interpolated',
      'measured',
    ]);
  });
});
