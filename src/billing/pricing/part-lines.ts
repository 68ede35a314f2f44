import type { BillLine, BillLineKind } from './bill.js';
import { Dec, mwhToKwh, roundHalfUp } from './decimal.js';
import { describeDays, describeRange, describeTier } from './describe.js';
import type { PartUsage } from './part-usage.js';
import { DAY_DECIMALS, standingDays } from './standing-days.js';
import type { TariffPart } from './tariff-parts.js';
import { tierShares } from './tiers.js';

/** kWh on a bill carry 3 decimals (docs/design.md §5 rules 2 and 4). */
export const KWH_DECIMALS = 3;

/** A bill line with its amount as a decimal, for exact sums. */
export interface PricedLine {
  readonly line: BillLine;
  readonly amount: Dec;
}

/** How to price one part: its place in the bill and the currency's minor digits. */
export interface PartContext {
  readonly part: TariffPart;
  readonly usage: PartUsage;
  readonly tz: string;
  readonly minorDigits: number;
  /** Exact cumulative import of the period before this part (kWh), where tiers continue from. */
  readonly importBeforeKwh: Dec;
}

interface LineSpec {
  readonly kind: BillLineKind;
  readonly description: string;
  readonly quantity: Dec;
  readonly quantityDecimals: number;
  readonly unit: string;
  readonly unitPrice: string;
  readonly extra?: Pick<BillLine, 'band' | 'tier' | 'versionFrom'>;
}

/** A line whose amount is `quantity × unitPrice` rounded half away from zero to the minor unit. */
export function pricedLine(spec: LineSpec, minorDigits: number): PricedLine {
  const amount = roundHalfUp(spec.quantity.times(spec.unitPrice), minorDigits);
  return {
    amount,
    line: {
      kind: spec.kind,
      description: spec.description,
      quantity: spec.quantity.toFixed(spec.quantityDecimals),
      unit: spec.unit,
      unitPrice: spec.unitPrice,
      amount: amount.toFixed(minorDigits),
      ...spec.extra,
    },
  };
}

const kwh = (mwh: bigint): Dec => roundHalfUp(mwhToKwh(mwh), KWH_DECIMALS);

/**
 * The lines of one part (docs/design.md §5 rules 2 to 4), in this order: energy (per band, per
 * tier, or one flat line), the standing charge, the export credit, the per-kWh taxes. Lines with a
 * zero quantity are left out, except the standing charge, which is due for every day of supply.
 */
export function partLines(ctx: PartContext): PricedLine[] {
  const { part, usage, tz, minorDigits } = ctx;
  const { version } = part;
  const when = describeRange(part, tz);
  const extra = { versionFrom: version.validFrom };
  const specs: LineSpec[] = [];
  const energyLine = (
    label: string,
    quantity: Dec,
    rate: string,
    more: Pick<BillLine, 'band' | 'tier'> = {},
  ) =>
    specs.push({
      kind: 'energy',
      description: `Energy ${label}${when}`,
      quantity,
      quantityDecimals: KWH_DECIMALS,
      unit: 'kWh',
      unitPrice: rate,
      extra: { ...more, ...extra },
    });

  const energy = version.energy;
  switch (energy.type) {
    case 'flat':
      energyLine('', kwh(usage.importMwh), energy.rate);
      break;
    case 'tou':
      for (const [band, mwh] of usage.importByBand)
        energyLine(`${band} `, kwh(mwh), energy.bands[band] ?? '0', { band });
      break;
    case 'tiered':
      for (const share of tierShares(
        energy.tiers,
        ctx.importBeforeKwh,
        mwhToKwh(usage.importMwh),
      )) {
        energyLine(`${describeTier(share)} `, roundHalfUp(share.kwh, KWH_DECIMALS), share.rate, {
          tier: share.tier,
        });
      }
      break;
    default:
      throw new Error(`unknown energy type ${JSON.stringify(energy satisfies never)}`);
  }

  const days = standingDays(part, tz);
  specs.push({
    kind: 'standing_charge',
    description: `Standing charge ${when} (${describeDays(days.toFixed(DAY_DECIMALS))})`,
    quantity: days,
    quantityDecimals: DAY_DECIMALS,
    unit: 'day',
    unitPrice: version.standingChargePerDay,
    extra,
  });

  if (version.exportRate !== undefined) {
    const rate = version.exportRate;
    specs.push({
      kind: 'export_credit',
      description: `Export credit ${when}`,
      quantity: kwh(usage.exportMwh),
      quantityDecimals: KWH_DECIMALS,
      unit: 'kWh',
      unitPrice: new Dec(rate).isZero() ? rate : `-${rate}`,
      extra,
    });
  }

  const imported = kwh(usage.importMwh);
  for (const tax of version.taxes) {
    if (!('perKwh' in tax)) continue;
    specs.push({
      kind: 'tax',
      description: `${tax.name} ${when}`,
      quantity: imported,
      quantityDecimals: KWH_DECIMALS,
      unit: 'kWh',
      unitPrice: tax.perKwh,
      extra,
    });
  }

  return specs
    .filter((s) => s.kind === 'standing_charge' || !s.quantity.isZero())
    .map((s) => pricedLine(s, minorDigits));
}
