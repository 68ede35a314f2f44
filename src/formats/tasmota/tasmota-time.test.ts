import { describe, expect, it } from 'vitest';
import { RECEIVED, fixtureJson, parse } from './tasmota.test-support.js';

/** The single-phase plug fixture with its time fields replaced. */
function plugAt(time: Record<string, unknown>) {
  const body = fixtureJson('energy-plug-single-phase.json');
  delete body.Time;
  return { ...time, ...body };
}

function timeOf(time: Record<string, unknown>, timezone = 'Europe/Paris') {
  const res = parse(plugAt(time), { timezone });
  if (!res.ok) return { reason: res.reason, detail: res.detail };
  return { ts: res.readings[0]!.ts, tsSource: res.readings[0]!.tsSource };
}

describe('tasmota reading time', () => {
  it('takes a time with an offset (SetOption52) or Z as the meter time', () => {
    expect(timeOf({ Time: '2026-11-29T18:15:00+01:00' })).toEqual({
      ts: Date.UTC(2026, 10, 29, 17, 15),
      tsSource: 'meter',
    });
    expect(timeOf({ Time: '2026-11-29T17:15:00Z' }, 'Asia/Tokyo')).toEqual({
      ts: Date.UTC(2026, 10, 29, 17, 15),
      tsSource: 'meter',
    });
  });

  it("resolves a local time in the meter's zone, milliseconds included", () => {
    // Paris in November is UTC+1.
    expect(timeOf({ Time: '2026-11-29T18:15:00' })).toEqual({
      ts: Date.UTC(2026, 10, 29, 17, 15),
      tsSource: 'meter',
    });
    expect(timeOf({ Time: '2026-07-01T12:00:00.123' })).toEqual({
      ts: Date.UTC(2026, 6, 1, 10, 0, 0, 123), // summer: UTC+2
      tsSource: 'meter',
    });
  });

  it('uses the receipt time inside the repeated hour, unless an offset tells which', () => {
    // 2026-10-25: Paris goes from 03:00+02:00 back to 02:00+01:00, 02:30 happens twice.
    expect(timeOf({ Time: '2026-10-25T02:30:00' })).toEqual({ ts: RECEIVED, tsSource: 'received' });
    expect(timeOf({ Time: '2026-10-25T02:30:00+01:00' })).toEqual({
      ts: Date.UTC(2026, 9, 25, 1, 30),
      tsSource: 'meter',
    });
  });

  it('rejects a local time inside the skipped hour', () => {
    // 2026-03-29: Paris goes from 02:00+01:00 to 03:00+02:00; 02:30 never happens.
    const r = timeOf({ Time: '2026-03-29T02:30:00' });
    expect(r).toMatchObject({ reason: 'invalid_local_time' });
    expect((r as { detail: string }).detail).toContain('Europe/Paris');
  });

  it('uses the receipt time for an unsynced 1970 clock or no time at all', () => {
    const received = { ts: RECEIVED, tsSource: 'received' };
    expect(timeOf({ Time: '1970-01-01T00:00:12' })).toEqual(received);
    expect(timeOf({ Time: '1970-01-01T01:00:12+01:00' })).toEqual(received);
    expect(timeOf({})).toEqual(received);
    expect(timeOf({ Time: null })).toEqual(received);
    expect(timeOf({ Epoch: 12 })).toEqual(received);
  });

  it('prefers Epoch (UTC seconds, DeepSleep builds) to the local Time', () => {
    // The DeepSleep page: Time 13:08:48 local with Epoch 1567595328 = 11:08:48Z.
    expect(timeOf({ Time: '2019-09-04T13:08:48', Epoch: 1567595328 }, 'UTC')).toEqual({
      ts: 1_567_595_328_000,
      tsSource: 'meter',
    });
    // Epoch settles the repeated hour, which Time alone cannot.
    const second = Date.UTC(2026, 9, 25, 1, 30) / 1000;
    expect(timeOf({ Time: '2026-10-25T02:30:00', Epoch: second })).toEqual({
      ts: second * 1000,
      tsSource: 'meter',
    });
  });

  it('rejects time fields that are not Tasmota times', () => {
    for (const time of [
      { Time: 'yesterday' },
      { Time: 1_764_440_100 },
      { Time: '2026-02-30T10:00:00' },
      { Time: '2026-02-30T10:00:00+01:00' },
      { Time: '2026-11-29 18:15:00' },
      { Epoch: '1567595328' },
      { Epoch: 1.5 },
      { Epoch: -1 },
    ]) {
      expect(timeOf(time), JSON.stringify(time)).toMatchObject({ reason: 'invalid_schema' });
    }
    expect(timeOf({ Time: '2026-11-29T18:15:00' }, 'Not/AZone')).toMatchObject({
      reason: 'invalid_schema',
    });
  });
});
