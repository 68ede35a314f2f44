import type { TariffEnergy } from '../tariff-schema.js';
import { Dec } from './decimal.js';

type Tier = Extract<TariffEnergy, { type: 'tiered' }>['tiers'][number];

/** The exact kWh of one part that fall in one tier. */
export interface TierShare {
  /** 1-based, as people number tiers. */
  readonly tier: number;
  /** The tier's bounds in cumulative kWh; `upper` null for the last tier. */
  readonly lower: string;
  readonly upper: string | null;
  readonly rate: string;
  readonly kwh: Dec;
}

/**
 * How the exact kWh `[from, from + kwh)` of the period's cumulative import fill `tiers`
 * (docs/design.md §5: tiers apply "over the period's cumulative import"): one share per tier the
 * span touches, in tier order. A part of the period continues from where the previous parts left
 * the cumulative count, so a tariff change moves the rates, not the position.
 */
export function tierShares(tiers: readonly Tier[], from: Dec, kwh: Dec): TierShare[] {
  const to = from.plus(kwh);
  const shares: TierShare[] = [];
  let lower = new Dec(0);
  tiers.forEach((t, i) => {
    const upper = t.uptoKwh === null ? new Dec(Infinity) : new Dec(t.uptoKwh);
    const share = Dec.min(upper, to).minus(Dec.max(lower, from));
    if (share.gt(0))
      shares.push({
        tier: i + 1,
        lower: lower.toFixed(),
        upper: t.uptoKwh,
        rate: t.rate,
        kwh: share,
      });
    lower = upper;
  });
  return shares;
}
