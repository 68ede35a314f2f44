import { IANAZone } from 'luxon';
import { calendarRule } from '../../consumption/calendar-edges.js';
import type { EdgeRule } from '../../consumption/edge-rule.js';
import { memoRule } from '../../consumption/memo-rule.js';

/** What the billing calendar needs of a contract: its span and its IANA time zone. */
export interface ContractSpan {
  /** Contract start (epoch ms): the first period starts here, mid-month or not. */
  readonly startsAt: number;
  /** Move-out (epoch ms, exclusive): the last period ends here; null while the contract runs. */
  readonly endsAt: number | null;
  /** IANA time zone name (`Europe/Paris`): months are read on its local calendar. */
  readonly timezone: string;
}

/** A billing period `[start, end)` in epoch ms (docs/design.md §1). */
export interface BillingPeriod {
  readonly start: number;
  readonly end: number;
}

/** The most periods `periodsBetween` returns: 100 years of months. */
export const MAX_PERIODS = 1_200;

/**
 * Months are at most 31 days and an hour: a span longer than MAX_PERIODS of these is refused at
 * once.
 */
const MONTH_MAX_MS = 32 * 86_400_000;

const rules = new Map<string, EdgeRule>();

/**
 * The local-month edge rule of `tz`, built once per zone: it holds a luxon `IANAZone` object, since
 * luxon re-validates a zone name on every call, and remembers the edges it found.
 */
function monthRule(tz: string): EdgeRule {
  let rule = rules.get(tz);
  if (rule === undefined) {
    if (!IANAZone.isValidZone(tz))
      throw new RangeError(`unknown IANA time zone ${JSON.stringify(tz)}`);
    // A fleet's contracts ask about the same few month edges (the last closed period's end, this
    // month's start): closing or summing 20,000 contracts asked luxon some 60,000 times a run.
    rule = memoRule(calendarRule('month', tz));
    if (rules.size < 1000) rules.set(tz, rule);
  }
  return rule;
}

function checkContract(contract: ContractSpan): void {
  const { startsAt, endsAt } = contract;
  if (!Number.isFinite(startsAt))
    throw new RangeError(`contract start must be a finite instant, got ${startsAt}`);
  if (endsAt !== null && !(Number.isFinite(endsAt) && endsAt > startsAt)) {
    throw new RangeError(
      `contract end (${endsAt}) must be a finite instant after its start (${startsAt})`,
    );
  }
}

/** The local month `[monthStart, monthEnd)` cut to the contract's span. */
function clip(contract: ContractSpan, monthStart: number, monthEnd: number): BillingPeriod {
  return {
    start: Math.max(monthStart, contract.startsAt),
    end: contract.endsAt === null ? monthEnd : Math.min(monthEnd, contract.endsAt),
  };
}

/**
 * The billing period of `contract` containing `at` (docs/design.md §1): the calendar month in the
 * contract's time zone, `[local 1st 00:00, next local 1st 00:00)`, starting no earlier than the
 * contract and ending no later than its move-out. An instant on an edge belongs to the period
 * starting there.
 *
 * @returns undefined before the contract starts, or at or after its move-out.
 * @throws RangeError for an unknown time zone, a non-finite `at` or an inconsistent contract span.
 */
export function periodContaining(contract: ContractSpan, at: number): BillingPeriod | undefined {
  checkContract(contract);
  if (!Number.isFinite(at)) throw new RangeError(`at must be a finite instant, got ${at}`);
  const rule = monthRule(contract.timezone);
  if (at < contract.startsAt || (contract.endsAt !== null && at >= contract.endsAt))
    return undefined;
  const monthStart = rule.floor(at);
  return clip(contract, monthStart, rule.next(monthStart));
}

/**
 * The billing periods of `contract` overlapping `[from, to)`, ascending and contiguous: the first
 * may start at the contract start and the last end at its move-out, but they are not cut to
 * `[from, to)`. Empty when the range misses the contract.
 *
 * @throws RangeError when more than `MAX_PERIODS` periods would result (checked before and while
 *   they are made), for non-finite or reversed bounds, an unknown time zone or an inconsistent
 *   contract.
 */
export function periodsBetween(contract: ContractSpan, from: number, to: number): BillingPeriod[] {
  checkContract(contract);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new RangeError(
      `[from, to) must run forward between finite instants, got [${from}, ${to})`,
    );
  }
  const rule = monthRule(contract.timezone);
  const lo = Math.max(from, contract.startsAt);
  const hi = contract.endsAt === null ? to : Math.min(to, contract.endsAt);
  if (lo >= hi) return [];
  if ((hi - lo) / MONTH_MAX_MS > MAX_PERIODS)
    throw new RangeError(`the range holds more than ${MAX_PERIODS} billing periods`);
  const periods: BillingPeriod[] = [];
  for (let monthStart = rule.floor(lo); monthStart < hi;) {
    if (periods.length >= MAX_PERIODS)
      throw new RangeError(`the range holds more than ${MAX_PERIODS} billing periods`);
    const monthEnd = rule.next(monthStart);
    periods.push(clip(contract, monthStart, monthEnd));
    monthStart = monthEnd;
  }
  return periods;
}
