import type { EdgeRule } from './edge-rule.js';

/**
 * Remembered answers per rule and per kind (floor, next); a full map starts over rather than grow.
 */
const MAX_ANSWERS = 50_000;

/**
 * An EdgeRule that remembers its answers. Edges depend only on the instant and the zone (the tz
 * data does not change while a process runs), so a remembered answer is the answer; it spares the
 * time-zone lookups (Intl, through luxon) that dominated a month of day buckets, since many
 * requests ask for the same local days.
 */
export function memoRule(rule: EdgeRule): EdgeRule {
  const floors = new Map<number, number>();
  const nexts = new Map<number, number>();
  const remember = (
    memo: Map<number, number>,
    t: number,
    answer: (t: number) => number,
  ): number => {
    let v = memo.get(t);
    if (v === undefined) {
      v = answer(t);
      if (memo.size >= MAX_ANSWERS) memo.clear();
      memo.set(t, v);
    }
    return v;
  };
  return {
    maxBucketMs: rule.maxBucketMs,
    floor: (t) => remember(floors, t, (x) => rule.floor(x)),
    next: (edge) => remember(nexts, edge, (x) => rule.next(x)),
  };
}
