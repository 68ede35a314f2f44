import { z } from 'zod';
import { instantSchema, parseRfc3339 } from '../shared/time.js';

/** 1970-01-01T00:00:00Z: no meter, contract or tariff starts before it. */
export const EARLIEST_INSTANT = 0;
/** 2100-01-01T00:00:00Z: later instants are typing errors, and years past 9999 unprintable. */
export const LATEST_INSTANT = Date.UTC(2100, 0, 1);
const RANGE_MESSAGE = 'must lie between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z';

/** Whether epoch ms `t` lies in the accepted range (bounds included). */
export function inInstantRange(t: number): boolean {
  return t >= EARLIEST_INSTANT && t <= LATEST_INSTANT;
}

/**
 * An RFC 3339 instant of the accepted range, as epoch ms: a year 0 or 275760 would be stored and
 * answered in a form that is not RFC 3339 any more.
 */
export const boundedInstantSchema = instantSchema.refine(inInstantRange, RANGE_MESSAGE);

/** An RFC 3339 instant text of the accepted range (the text is kept). */
export const boundedInstantText = z.string().refine(
  (s) => {
    const t = parseRfc3339(s);
    return t === undefined || inInstantRange(t);
  },
  { message: RANGE_MESSAGE },
);

/** Refinement: the text has no control character (C0, DEL, C1), which would corrupt logs and bills. */
export function noControlCharacters(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f-\u009f]/.test(s);
}

export const NO_CONTROL_MESSAGE = 'must not contain control characters';

/** The largest `maxPowerW` a meter may declare: 10 MW, far above any metered connection. */
export const MAX_POWER_W_LIMIT = 10_000_000;
