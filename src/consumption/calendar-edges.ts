import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import type { EdgeRule } from './edge-rule.js';

const DAY_MS = 86_400_000;
/**
 * Calendar dates are held as midnights in the easternmost offset in use (+14:00). Moving one to
 * `tz` keeping its local time makes luxon guess `tz`'s offset from an instant before every real
 * occurrence of that local midnight, so a repeated midnight (America/Havana, first Sunday of
 * November) resolves to its first occurrence, when the day begins, whatever the date and zone.
 */
const DATES = FixedOffsetZone.instance(14 * 60);

/** An edge with what walking on from it needs. */
interface Located {
  readonly edge: number;
  /** The local date the edge begins (a midnight in `DATES`). */
  readonly date: DateTime;
  readonly offset: number;
  /** The local time there reads exactly 00:00 (not a clock change over a skipped midnight). */
  readonly atMidnight: boolean;
}

const located = (dt: DateTime, date: DateTime): Located => ({
  edge: dt.toMillis(),
  date,
  offset: dt.offset,
  atMidnight: dt.hour === 0 && dt.minute === 0 && dt.second === 0 && dt.millisecond === 0,
});

/**
 * Local days (`[00:00, next 00:00)`: 23, 24 or 25 h) or local months
 * (`[1st 00:00, next 1st 00:00)`). A day begins at its first local midnight, or for a skipped
 * midnight at the clock change (luxon resolves a time in the gap forward); months begin where their
 * first day does.
 */
export function calendarRule(unit: 'day' | 'month', tz: string): EdgeRule {
  // A Zone object, not the name: luxon re-validates a name on every call, which dominated request
  // time.
  const zone = IANAZone.create(tz);
  const step = unit === 'day' ? { days: 1 } : { months: 1 };
  const start = (date: DateTime): Located =>
    located(date.setZone(zone, { keepLocalTime: true }), date);
  const dateOf = (local: DateTime): DateTime =>
    DateTime.fromObject(
      { year: local.year, month: local.month, day: unit === 'day' ? local.day : 1 },
      { zone: DATES },
    );
  // The edge last returned by `next`: walking edges in order then skips locating each one again.
  let known: Located | undefined;

  return {
    // Days longer than 25 h are rare one-offs since 1972 (Asia/Chita, 2014: 26 h), months are at
    // most 31 d 1 h.
    maxBucketMs: unit === 'day' ? DAY_MS + 4 * 3_600_000 : 32 * DAY_MS,
    floor(t) {
      let date = dateOf(DateTime.fromMillis(t, { zone }));
      let edge = start(date).edge;
      // Only a clock change landing inside a day's first hour could put its start after `t`.
      for (let i = 0; edge > t; i++) {
        if (i > 3)
          throw new Error(`no local ${unit} start before ${new Date(t).toISOString()} in ${tz}`);
        date = date.minus(step);
        edge = start(date).edge;
      }
      return edge;
    },
    next(edge) {
      const from =
        known?.edge === edge
          ? known
          : located(
              DateTime.fromMillis(edge, { zone }),
              dateOf(DateTime.fromMillis(edge, { zone })),
            );
      // From a midnight, 24 h later at the same offset is the next midnight: no clock change
      // between.
      if (unit === 'day' && from.atMidnight && zone.offset(edge + DAY_MS) === from.offset) {
        known = {
          edge: edge + DAY_MS,
          date: from.date.plus(step),
          offset: from.offset,
          atMidnight: true,
        };
        return known.edge;
      }
      // A date skipped entirely (Pacific/Apia, 2011-12-30) begins when the next one does: no
      // bucket.
      let date = from.date;
      for (let i = 0; i < 4; i++) {
        date = date.plus(step);
        const candidate = start(date);
        if (candidate.edge > edge) {
          known = candidate;
          return candidate.edge;
        }
      }
      throw new Error(`no local ${unit} start after ${new Date(edge).toISOString()} in ${tz}`);
    },
  };
}
