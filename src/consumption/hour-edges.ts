import { DateTime, IANAZone } from 'luxon';
import { type EdgeRule, floorQuarter, QUARTER_MS } from './edge-rule.js';

const HOUR_MS = 3_600_000;
/** More quarter hours than any local hour spans, even across the largest clock changes. */
const SCAN_LIMIT = 4 * 50;

/** Local (date, hour), increasing with it. */
const hourLabel = (dt: DateTime): number =>
  ((dt.year * 13 + dt.month) * 32 + dt.day) * 24 + dt.hour;
const msIntoHour = (dt: DateTime): number => (dt.minute * 60 + dt.second) * 1000 + dt.millisecond;

/**
 * Whether the quarter hour starting at `q` begins a local hour bucket in `tz`: its local time reads
 * H:00 (so a repeated hour, as on a 25 h day, is a bucket of its own), or the clock jumped forward
 * into a later local hour there (Lord_Howe's 02:00 → 02:30 makes 02:30 the start of a 30-minute
 * hour). A jump back inside an hour starts nothing (Lord_Howe's 02:00 → 01:30: a 90-minute hour).
 */
export function isHourEdge(q: number, tz: string): boolean {
  if (q % QUARTER_MS !== 0) return false;
  const zone = IANAZone.create(tz);
  const here = DateTime.fromMillis(q, { zone });
  if (msIntoHour(here) === 0) return true;
  return hourLabel(here) > hourLabel(DateTime.fromMillis(q - QUARTER_MS, { zone }));
}

/**
 * Local hours in `tz` as instants: `[local H:00, local H+1:00)`, a skipped hour absent, a repeated
 * hour twice, and hours cut or stretched by clock changes that are not whole hours.
 */
export function hourRule(tz: string): EdgeRule {
  const zone = IANAZone.create(tz);
  // The edge last returned by `next`, with its offset: walking edges in order then costs one
  // time-zone lookup per hour instead of two.
  let known: { edge: number; offset: number } | undefined;

  const scan = (q0: number, step: number): number => {
    for (let q = q0, i = 0; i < SCAN_LIMIT; q += step, i++) if (isHourEdge(q, tz)) return q;
    throw new Error(`no local hour edge near ${new Date(q0).toISOString()} in ${tz}`);
  };

  return {
    // Repeated hours are buckets of their own, so only a sub-hour change stretches one (at
    // most 90 min).
    maxBucketMs: 2 * HOUR_MS,
    floor: (t) => scan(floorQuarter(t), -QUARTER_MS),
    next(edge) {
      let offset: number;
      let candidate: number;
      if (known?.edge === edge) {
        offset = known.offset;
        candidate = edge + HOUR_MS;
      } else {
        const local = DateTime.fromMillis(edge, { zone });
        offset = local.offset;
        candidate = edge + HOUR_MS - msIntoHour(local);
      }
      // The same offset at both ends means no clock change in between: the local clock simply
      // reaches H+1:00 at `candidate`. Otherwise look for the edge quarter hour by quarter hour.
      const candidateOffset = zone.offset(candidate);
      if (candidate % QUARTER_MS === 0 && candidateOffset === offset) {
        known = { edge: candidate, offset };
        return candidate;
      }
      known = undefined;
      return scan(floorQuarter(edge) + QUARTER_MS, QUARTER_MS);
    },
  };
}
