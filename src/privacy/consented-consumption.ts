import {
  type Bucket,
  type Consumption,
  computeConsumption,
  type ConsumptionInput,
  type ConsumptionRange,
} from '../consumption/buckets.js';
import { milliWhToWh, whToMilliWh } from '../consumption/milli-wh.js';
import {
  type Consent,
  CONSENT_FOR_GROUP_BY,
  GROUP_BY_OF_CONSENT,
  requireConsent,
} from './consent.js';

/**
 * What consumption under a consent needs: the usual input, the contract's consent and its time
 * zone.
 */
export type ConsentedConsumptionInput = ConsumptionInput & ConsentFacts;

interface ConsentFacts {
  readonly consent: Consent;
  /** The contract's IANA zone: below `interval`, days and months are only cut there. */
  readonly contractTz: string;
}

/**
 * Consumption as far as the contract's consent allows, for every role alike:
 * - a bucket size finer than the consent is refused (`consent_required`, naming the level needed);
 * - below `interval`, buckets follow the contract's own zone only: days cut in zones a few hours or
 *   minutes apart would, subtracted from each other, reveal the load curve inside the day;
 * - below `interval`, a bucket still running (`partial`) shows only its complete consented units
 *   (the days already over, for `day`; nothing, for `month`), or null: a running total polled every
 *   quarter hour would be the 15-minute curve by another name.
 *
 * @throws AppError `consent_required`, or what `computeConsumption` throws.
 */
export function consentedConsumption(input: ConsentedConsumptionInput): Consumption {
  requireConsentFor(input);
  const result = computeConsumption(input);
  if (input.consent === 'interval' || !result.buckets.some((b) => b.quality === 'partial'))
    return result;
  const unit = GROUP_BY_OF_CONSENT[input.consent];
  const buckets = result.buckets.map((b) =>
    b.quality === 'partial' ? completePart(b, input, unit) : b,
  );
  return { ...result, buckets, totals: totalsOf(buckets) };
}

/**
 * The refusals of `consentedConsumption` alone, so that a caller can refuse before reading the
 * store.
 *
 * @throws AppError `consent_required`.
 */
export function requireConsentFor(
  q: ConsentFacts & Pick<ConsumptionRange, 'groupBy' | 'tz'>,
): void {
  requireConsent(q.consent, CONSENT_FOR_GROUP_BY[q.groupBy], `consumption per ${q.groupBy}`);
  if (q.tz.toLowerCase() !== q.contractTz.toLowerCase()) {
    requireConsent(
      q.consent,
      'interval',
      `consumption in a time zone other than the contract's (${q.contractTz})`,
    );
  }
}

/**
 * A running bucket reduced to its consented units that are over: their sum, or null when none is.
 */
function completePart(
  b: Bucket,
  input: ConsumptionInput,
  unit: ConsumptionRange['groupBy'],
): Bucket {
  const units = computeConsumption({ ...input, from: b.start, to: b.end, groupBy: unit }).buckets;
  const done = units.filter((u) => u.quality !== 'partial' && u.quality !== 'missing');
  if (done.length === 0) return { ...b, importWh: null, exportWh: null };
  const exports = done.map((u) => u.exportWh);
  return {
    ...b,
    importWh: sumWh(done.map((u) => u.importWh)),
    exportWh: exports.every((e) => e !== null) ? sumWh(exports) : null,
  };
}

/** Exact sum (in milli-Wh) of values that carry at most three decimals. */
function sumWh(values: readonly (number | null)[]): number {
  return milliWhToWh(
    values.reduce<bigint>((acc, v) => acc + (v === null ? 0n : whToMilliWh(v)), 0n),
  );
}

function totalsOf(buckets: readonly Bucket[]): Consumption['totals'] {
  const exports = buckets.map((b) => b.exportWh).filter((e) => e !== null);
  return {
    importWh: sumWh(buckets.map((b) => b.importWh)),
    exportWh: exports.length === 0 ? null : sumWh(exports),
  };
}
