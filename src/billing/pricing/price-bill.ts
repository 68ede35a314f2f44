import { isValidTimeZone } from '../../consumption/group-by.js';
import type { Bill, PricingInput } from './bill.js';
import { Dec, minorDigits, mwhToKwh, sum } from './decimal.js';
import { PricingInputError } from './errors.js';
import { partLines, type PricedLine, pricedLine } from './part-lines.js';
import { partUsage } from './part-usage.js';
import { splitByVersion } from './tariff-parts.js';

interface PercentTax {
  readonly name: string;
  readonly percent: string;
  base: Dec;
}

/**
 * The bill of `input.period` under `input.tariff` (docs/design.md §5), pure and exact:
 *
 * - the period is split at every version `validFrom` inside it; each part is priced by its version
 *   (energy per band / tier / flat, standing charge per local day, export credit, per-kWh taxes);
 * - each percent tax comes once per bill for each distinct (name, percent), on the sum of the
 *   rounded lines of the parts whose version carries it (every line before percent taxes, the
 *   negative export credit included): the tax is charged on what the customer is charged;
 * - `subtotal` is the sum of the lines before percent taxes, `total` the sum of all lines.
 *
 * Every amount is `quantity × unitPrice` rounded half away from zero to the currency's minor
 * digits, so the total always equals the sum of the displayed lines.
 *
 * @throws NoTariffVersionError when the period starts before the tariff's first version.
 * @throws PricingInputError for an empty period, an unknown time zone or intervals that break the
 *   `PricingInput` rules.
 */
export function priceBill(input: PricingInput): Bill {
  const { tariff, period, tz } = input;
  if (
    !Number.isSafeInteger(period.start) ||
    !Number.isSafeInteger(period.end) ||
    period.start >= period.end
  ) {
    throw new PricingInputError('the period must be a non-empty range of epoch milliseconds', {
      start: period.start,
      end: period.end,
    });
  }
  if (!isValidTimeZone(tz))
    throw new PricingInputError(`unknown IANA time zone ${JSON.stringify(tz)}`);
  const digits = minorDigits(tariff.currency);
  const parts = splitByVersion(tariff, period);
  const usages = partUsage(parts, input.intervals, period, tz);

  const lines: PricedLine[] = [];
  const percentTaxes = new Map<string, PercentTax>();
  let importBeforeKwh = new Dec(0);
  parts.forEach((part, i) => {
    const usage = usages[i];
    if (usage === undefined) return;
    const own = partLines({ part, usage, tz, minorDigits: digits, importBeforeKwh });
    importBeforeKwh = importBeforeKwh.plus(mwhToKwh(usage.importMwh));
    lines.push(...own);
    const base = sum(own.map((l) => l.amount));
    for (const tax of part.version.taxes) {
      if (!('percent' in tax)) continue;
      // "20" and "20.0" are one rate: the key is the percent's value, not its spelling.
      const key = JSON.stringify([tax.name, new Dec(tax.percent).toFixed()]);
      const known = percentTaxes.get(key);
      if (known === undefined)
        percentTaxes.set(key, { name: tax.name, percent: tax.percent, base });
      else known.base = known.base.plus(base);
    }
  });

  const subtotal = sum(lines.map((l) => l.amount));
  for (const tax of percentTaxes.values()) {
    if (tax.base.isZero()) continue;
    lines.push(
      pricedLine(
        {
          kind: 'tax',
          description: `${tax.name} ${new Dec(tax.percent).toFixed()} %`,
          quantity: tax.base,
          quantityDecimals: digits,
          unit: tariff.currency,
          unitPrice: new Dec(tax.percent).div(100).toFixed(),
        },
        digits,
      ),
    );
  }
  const total = sum(lines.map((l) => l.amount));
  return {
    currency: tariff.currency,
    lines: lines.map((l) => l.line),
    subtotal: subtotal.toFixed(digits),
    total: total.toFixed(digits),
  };
}
