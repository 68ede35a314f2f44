import { IANAZone } from 'luxon';
import { AppError } from '../shared/app-error.js';
import { calendarRule } from './calendar-edges.js';
import { type EdgeRule, quarterRule } from './edge-rule.js';
import { hourRule } from './hour-edges.js';
import { memoRule } from './memo-rule.js';

/** Bucket sizes of the consumption endpoint (docs/design.md §4). */
export const GROUP_BYS = ['15m', 'hour', 'day', 'month'] as const;
/** `15m` (one interval), `hour`, `day` or `month`, the last three local to a time zone. */
export type GroupBy = (typeof GROUP_BYS)[number];

/** The most buckets one consumption request may produce. */
export const MAX_BUCKETS = 10_000;

/** A range that would produce more than `max` buckets; nothing was allocated for them. */
export class TooManyBucketsError extends AppError {
  constructor(
    readonly max: number,
    readonly groupBy: GroupBy,
  ) {
    super('validation_failed', `the range holds more than ${max} ${groupBy} buckets`, {
      max,
      groupBy,
    });
    this.name = 'TooManyBucketsError';
  }
}

/** Whether `value` is one of the bucket sizes. */
export function isGroupBy(value: string): value is GroupBy {
  return (GROUP_BYS as readonly string[]).includes(value);
}

/** Whether `tz` names a time zone known to the runtime's IANA database (`Europe/Paris`, `UTC`). */
export function isValidTimeZone(tz: string): boolean {
  let valid = validZones.get(tz);
  if (valid === undefined) {
    // Checking builds an Intl formatter: remember answers (bounded, names are few).
    valid = IANAZone.isValidZone(tz);
    if (validZones.size < 1000) validZones.set(tz, valid);
  }
  return valid;
}

const validZones = new Map<string, boolean>();

/**
 * One remembering rule per (groupBy, zone): a few hundred zones at most, each with bounded memory.
 */
const rules = new Map<string, EdgeRule>();

/**
 * The bucket edges of `groupBy` in `tz`, built once per pair and remembering its answers; a zone
 * not known to the tz data is AppError `validation_failed`.
 */
export function ruleFor(groupBy: GroupBy, tz: string): EdgeRule {
  if (!isValidTimeZone(tz))
    throw new AppError('validation_failed', `unknown IANA time zone ${JSON.stringify(tz)}`);
  if (groupBy === '15m') return quarterRule;
  const key = `${groupBy} ${tz}`;
  let rule = rules.get(key);
  if (rule === undefined) {
    rule = memoRule(zonedRule(groupBy, tz));
    if (rules.size < 4000) rules.set(key, rule);
  }
  return rule;
}

function zonedRule(groupBy: Exclude<GroupBy, '15m'>, tz: string): EdgeRule {
  switch (groupBy) {
    case 'hour':
      return hourRule(tz);
    case 'day':
    case 'month':
      return calendarRule(groupBy, tz);
    default:
      throw new AppError(
        'validation_failed',
        `unknown groupBy ${JSON.stringify(groupBy satisfies never)}`,
      );
  }
}

function snapWith(rule: EdgeRule, from: number, to: number): { start: number; end: number } {
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new AppError('validation_failed', 'from and to must be finite instants');
  if (from > to) throw new AppError('validation_failed', `from (${from}) is after to (${to})`);
  const start = rule.floor(from);
  const below = rule.floor(to);
  return { start, end: below === to ? to : rule.next(below) };
}

/**
 * `[from, to]` widened to bucket edges: `from` snapped down, `to` snapped up. Cheap (no bucket is
 * generated): callers use it to know which readings to fetch before computing consumption.
 */
export function snapRange(
  from: number,
  to: number,
  groupBy: GroupBy,
  tz: string,
): { start: number; end: number } {
  return snapWith(ruleFor(groupBy, tz), from, to);
}

/**
 * The bucket edges (epoch ms) covering `[from, to]` after snapping outward: `n + 1` edges for `n`
 * buckets, a single edge when `from === to` lies on an edge (zero buckets).
 *
 * - `15m`: UTC quarter hours.
 * - `hour`: local hours in `tz`, `[H:00, H+1:00)`; a skipped hour is absent, a repeated hour
 *   appears twice, and a half-hour clock change (Australia/Lord_Howe) makes a 30- or 90-minute
 *   hour.
 * - `day`: local midnight to next local midnight (23, 24 or 25 h).
 * - `month`: local 1st 00:00 to the next 1st 00:00.
 *
 * @throws TooManyBucketsError when more than `max` buckets would result (checked as they are made).
 * @throws AppError `validation_failed` for an unknown time zone, non-finite bounds or `from > to`.
 */
export function bucketEdges(
  from: number,
  to: number,
  groupBy: GroupBy,
  tz: string,
  max: number = MAX_BUCKETS,
): number[] {
  const rule = ruleFor(groupBy, tz);
  const { start, end } = snapWith(rule, from, to);
  if ((end - start) / rule.maxBucketMs > max) throw new TooManyBucketsError(max, groupBy);
  const edges = [start];
  for (let edge = start; edge < end;) {
    if (edges.length > max) throw new TooManyBucketsError(max, groupBy);
    edge = rule.next(edge);
    edges.push(edge);
  }
  return edges;
}
