import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { resolveLocalTime, type LocalFields, type LocalResolution } from './local-time.js';

const at = (y: number, mo: number, d: number, h: number, mi: number) => ({
  year: y,
  month: mo,
  day: d,
  hour: h,
  minute: mi,
  second: 0,
});

describe('resolveLocalTime', () => {
  it.each([
    ['an ordinary summer time', at(2026, 7, 1, 12, 0), undefined, Date.UTC(2026, 6, 1, 10, 0)],
    ['an ordinary winter time', at(2026, 1, 15, 8, 30), undefined, Date.UTC(2026, 0, 15, 7, 30)],
    ['just after the spring gap', at(2026, 3, 29, 3, 0), undefined, Date.UTC(2026, 2, 29, 1, 0)],
    [
      'the first 02:30 of 25 October (summer)',
      at(2026, 10, 25, 2, 30),
      true,
      Date.UTC(2026, 9, 25, 0, 30),
    ],
    [
      'the second 02:30 of 25 October (winter)',
      at(2026, 10, 25, 2, 30),
      false,
      Date.UTC(2026, 9, 25, 1, 30),
    ],
  ])('%s in Paris is one instant', (_name, fields, dst, ts) => {
    expect(resolveLocalTime(fields, 'Europe/Paris', dst)).toEqual({ kind: 'instant', ts });
  });

  it('the repeated hour without a flag is ambiguous; the skipped hour is a gap', () => {
    expect(resolveLocalTime(at(2026, 10, 25, 2, 30), 'Europe/Paris')).toEqual({
      kind: 'ambiguous',
    });
    expect(resolveLocalTime(at(2026, 3, 29, 2, 30), 'Europe/Paris')).toEqual({ kind: 'gap' });
    // Lord Howe moves by 30 minutes.
    expect(resolveLocalTime(at(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toEqual({
      kind: 'gap',
    });
  });

  it('a zone without DST has neither, and an impossible calendar time is invalid', () => {
    expect(resolveLocalTime(at(2026, 3, 29, 2, 30), 'UTC')).toEqual({
      kind: 'instant',
      ts: Date.UTC(2026, 2, 29, 2, 30),
    });
    expect(resolveLocalTime(at(2026, 2, 30, 12, 0), 'Europe/Paris')).toEqual({ kind: 'invalid' });
    expect(resolveLocalTime(at(2026, 1, 1, 25, 0), 'Europe/Paris')).toEqual({ kind: 'invalid' });
  });
});

/** The resolution as first written, through luxon alone: the fast path must answer the same. */
function reference(fields: LocalFields, zone: string, dst?: boolean): LocalResolution {
  const local = DateTime.fromObject({ ...fields }, { zone });
  if (!local.isValid) return { kind: 'invalid' };
  const wall = (d: DateTime) =>
    d.year === fields.year &&
    d.month === fields.month &&
    d.day === fields.day &&
    d.hour === fields.hour &&
    d.minute === fields.minute &&
    d.second === fields.second;
  const candidates = new Set<number>();
  for (const probe of [local.minus({ hours: 3 }), local, local.plus({ hours: 3 })]) {
    const offset = probe.offset;
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const ts = DateTime.fromObject({ ...fields }, { zone: probe.zone })
      .setZone(`UTC${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`, {
        keepLocalTime: true,
      })
      .toMillis();
    if (wall(DateTime.fromMillis(ts, { zone }))) candidates.add(ts);
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  if (sorted.length === 0) return { kind: 'gap' };
  if (sorted.length === 1) return { kind: 'instant', ts: sorted[0]! };
  if (dst === undefined) return { kind: 'ambiguous' };
  return { kind: 'instant', ts: dst ? sorted[0]! : sorted[sorted.length - 1]! };
}

const fieldsOf = (d: DateTime): LocalFields => ({
  year: d.year,
  month: d.month,
  day: d.day,
  hour: d.hour,
  minute: d.minute,
  second: d.second,
  millisecond: 0,
});

/** The wall-clock times within 2.5 hours of every clock change of `year` in `zone`. */
function aroundChanges(zone: string, year: number): LocalFields[] {
  const out: LocalFields[] = [];
  let day = DateTime.fromObject({ year }, { zone: 'UTC' }).setZone(zone);
  while (day.year <= year) {
    const next = day.plus({ days: 1 });
    if (next.offset !== day.offset) {
      let before = day;
      for (let h = 1; h <= 24; h++) {
        const at = day.plus({ hours: h });
        if (at.offset !== before.offset) break;
        before = at;
      }
      for (let m = -150; m <= 150; m += 15) {
        const w = before.plus({ minutes: m });
        out.push(fieldsOf(w));
        // The same wall time written one hour on: inside a gap, or the repeated hour.
        out.push({ ...fieldsOf(w.plus({ hours: 1 })), hour: w.hour });
      }
    }
    day = next;
  }
  return out;
}

describe('resolveLocalTime, fast path', () => {
  it('answers as luxon alone does, around every clock change and at random times', () => {
    const zones = [
      'Europe/Paris',
      'America/New_York',
      'America/St_Johns',
      'Australia/Lord_Howe',
      'Pacific/Apia',
    ];
    const same = (fields: LocalFields, zone: string, dst: boolean | undefined) => {
      const got = resolveLocalTime(fields, zone, dst);
      const want = reference(fields, zone, dst);
      if (got.kind === 'instant' && want.kind === 'gap') {
        // luxon alone misreads some wall times after a change at midnight (Apia, 26 September
        // 2010, 01:30) as a gap; the instant found here reads back as that wall time.
        const back = DateTime.fromMillis(got.ts, { zone });
        expect([back.year, back.month, back.day, back.hour, back.minute]).toEqual([
          fields.year,
          fields.month,
          fields.day,
          fields.hour,
          fields.minute,
        ]);
        return;
      }
      expect(got, `${zone} ${JSON.stringify(fields)} ${String(dst)}`).toEqual(want);
    };
    let changes = 0;
    for (const zone of zones)
      for (const year of [2010, 2011, 2026])
        for (const fields of aroundChanges(zone, year)) {
          changes += 1;
          for (const dst of [undefined, true, false]) same(fields, zone, dst);
        }
    // Two changes a year in most of these zones (Apia: its skipped day in 2011).
    expect(changes).toBeGreaterThan(20 * 42);

    let seed = 12345;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const fields = {
        year: 1990 + next(60),
        month: 1 + next(12),
        day: 1 + next(31),
        hour: next(25),
        minute: next(60),
        second: next(60),
        millisecond: next(1000),
      };
      for (const zone of [...zones, 'UTC', 'utc', 'Etc/GMT+5', 'UTC+3', 'Not/AZone'])
        same(fields, zone, undefined);
    }
  });
});
