import { parseRfc3339 } from '../../shared/time.js';
import type { Tariff, TariffVersion } from '../tariff-schema.js';
import type { TimeRange } from './bill.js';
import { NoTariffVersionError, PricingInputError } from './errors.js';

/**
 * A piece of a period priced by one tariff version (docs/design.md §5: a period spanning a change
 * is split).
 */
export interface TariffPart extends TimeRange {
  readonly version: TariffVersion;
}

/**
 * `period` split at every version `validFrom` strictly inside it, each part with the version in
 * force at its start (the last one whose `validFrom` is at or before it). Versions are in
 * increasing `validFrom` order, as the tariff schema enforces.
 *
 * @throws NoTariffVersionError when the period starts before the first version.
 */
export function splitByVersion(tariff: Tariff, period: TimeRange): TariffPart[] {
  const starts = tariff.versions.map((version) => {
    const from = parseRfc3339(version.validFrom);
    if (from === undefined)
      throw new PricingInputError(
        `tariff version validFrom ${JSON.stringify(version.validFrom)} is not an RFC 3339 instant`,
      );
    return { from, version };
  });
  const first = starts[0];
  if (first === undefined) throw new PricingInputError('the tariff has no version');
  if (period.start < first.from)
    throw new NoTariffVersionError(period.start, first.version.validFrom);

  const parts: TariffPart[] = [];
  starts.forEach(({ from, version }, i) => {
    const until = starts[i + 1]?.from ?? Infinity;
    const start = Math.max(from, period.start);
    const end = Math.min(until, period.end);
    if (start < end) parts.push({ start, end, version });
  });
  return parts;
}
