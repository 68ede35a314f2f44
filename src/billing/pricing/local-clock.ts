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

/** A span of instants `[from, until)` over which a zone's offset (ms) holds. */
interface OffsetSpan {
  from: number;
  until: number;
  readonly offsetMs: number;
}

/**
 * The offset spans of one zone found so far, sorted and disjoint: a span that touches or overlaps a
 * neighbour of the same offset is merged into it, so a zone's years take a couple of spans each.
 */
class ZoneOffsets {
  private readonly spans: OffsetSpan[] = [];
  private readonly zone: IANAZone;

  constructor(tz: string) {
    this.zone = IANAZone.create(tz);
  }

  /** The span holding `t`, found in the ones known or located and remembered. */
  spanAt(t: number): OffsetSpan {
    const k = this.lastFromAtOrBefore(t);
    const known = this.spans[k];
    if (known !== undefined && t < known.until) return known;
    return this.remember(this.locate(t));
  }

  /** Index of the last span starting at or before `t`, or -1. */
  private lastFromAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.spans.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid]!.from <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * The offset at `t` and how far ahead it holds: the offset at `t` and at `t + 3 days` being
   * equal means no clock change in between (see `PROBE_MS`); otherwise bisect to the exact instant
   * of the change.
   */
  private locate(t: number): OffsetSpan {
    const offset = this.zone.offset(t);
    let hi = t + PROBE_MS;
    if (this.zone.offset(hi) !== offset) {
      let lo = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.zone.offset(mid) === offset) lo = mid;
        else hi = mid;
      }
    }
    return { from: t, until: hi, offsetMs: offset * MINUTE_MS };
  }

  private remember(span: OffsetSpan): OffsetSpan {
    let at = this.lastFromAtOrBefore(span.from) + 1;
    const before = this.spans[at - 1];
    if (before !== undefined && before.until >= span.from && before.offsetMs === span.offsetMs) {
      before.until = Math.max(before.until, span.until);
      at -= 1;
    } else this.spans.splice(at, 0, span);
    const merged = this.spans[at]!;
    // Swallow the spans it now reaches that have the same offset (offsets agree where spans meet).
    for (;;) {
      const next = this.spans[at + 1];
      if (next === undefined || next.from > merged.until || next.offsetMs !== merged.offsetMs)
        break;
      merged.until = Math.max(merged.until, next.until);
      this.spans.splice(at + 1, 1);
    }
    return merged;
  }
}

/**
 * The offsets of every zone asked so far, shared by every reader: a fleet's bills ask the same few
 * zones about the same months, and luxon's answer for one instant costs microseconds and garbage.
 * Offsets are a fixed function of the zone and the instant, so sharing them changes no answer.
 */
const ZONES = new Map<string, ZoneOffsets>();

/**
 * A reader of local weekday and time of day in `tz` (a valid IANA name) for instants in mostly
 * ascending order. Asking luxon for the offset of every quarter hour of every bill would dominate
 * settlement time, so the reader keeps the span over which the offset it last found holds, and the
 * spans of each zone are remembered for every reader (`ZoneOffsets`).
 */
export function localClock(tz: string): (t: number) => LocalTime {
  let offsets = ZONES.get(tz);
  if (offsets === undefined) ZONES.set(tz, (offsets = new ZoneOffsets(tz)));
  const zone = offsets;
  let from = Infinity;
  let until = -Infinity;
  let offsetMs = 0;

  return (t) => {
    if (t < from || t >= until) {
      const span = zone.spanAt(t);
      from = span.from;
      until = span.until;
      offsetMs = span.offsetMs;
    }
    const wall = t + offsetMs;
    const day = Math.floor(wall / DAY_MS);
    return {
      weekday: (((day + EPOCH_WEEKDAY) % 7) + 7) % 7,
      minuteOfDay: (wall - day * DAY_MS) / MINUTE_MS,
    };
  };
}
