import { IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
/**
 * How far ahead an offset is assumed to hold when it is the same at both ends. A scan of every zone
 * of the runtime's tz data over 1972–2040 found no offset that changed and came back in under 6.875
 * days (America/Boa_Vista, October 2000; Noronha and Recife: 7 days), so 3 days is safe with room.
 */
const PROBE_MS = 3 * DAY_MS;
const MINUTE_MS = 60_000;
/** 1970-01-01 was a Thursday: day 0 of the epoch is weekday 3 when Monday is 0. */
const EPOCH_WEEKDAY = 3;

/** The local calendar position of an instant: what a time-of-use window is matched against. */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday, as `WEEKDAYS` orders them. */
  readonly weekday: number;
  /** Minutes since local midnight (the wall clock, so a repeated hour reads the same twice). */
  readonly minuteOfDay: number;
}

/**
 * A reader of local weekday and time of day in `tz` (a valid IANA name) for instants in mostly
 * ascending order. Asking luxon for the offset of every quarter hour of every bill would dominate
 * settlement time, so the reader remembers the span over which the offset it last found holds: it
 * assumes the offset at `t` and at `t + 3 days` being equal means no clock change in between (see
 * `PROBE_MS`), and otherwise bisects to the exact instant of the change.
 */
export function localClock(tz: string): (t: number) => LocalTime {
  const zone = IANAZone.create(tz);
  let from = Infinity;
  let until = -Infinity;
  let offsetMs = 0;

  const locate = (t: number): void => {
    const offset = zone.offset(t);
    let hi = t + PROBE_MS;
    if (zone.offset(hi) !== offset) {
      let lo = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zone.offset(mid) === offset) lo = mid;
        else hi = mid;
      }
    }
    from = t;
    until = hi;
    offsetMs = offset * MINUTE_MS;
  };

  return (t) => {
    if (t < from || t >= until) locate(t);
    const wall = t + offsetMs;
    const day = Math.floor(wall / DAY_MS);
    return {
      weekday: (((day + EPOCH_WEEKDAY) % 7) + 7) % 7,
      minuteOfDay: (wall - day * DAY_MS) / MINUTE_MS,
    };
  };
}
