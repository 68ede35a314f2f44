import { Dec, minorDigits, sum } from '../pricing/decimal.js';
import type { InvoiceLine } from '../records/invoice-line.js';

/**
 * What a late recomputation is compared against: the settled invoice and the adjustments billed or
 * pending since.
 */
export interface SettledState {
  readonly invoiceNumber: string;
  readonly currency: string;
  /** The invoice's own lines (adjustment lines of other invoices excluded). */
  readonly invoiceLines: readonly InvoiceLine[];
  /** Lines of the adjustments of this period recorded so far. */
  readonly adjustmentLines: readonly InvoiceLine[];
}

const EXTRAPOLATED = / \(end index extrapolated from the 7-day baseline\)$/;

const prefix = (invoiceNumber: string): string => `Adjustment to ${invoiceNumber}: `;

/** The identity of a line across recomputations: its description without the extrapolation note. */
function keyOf(line: InvoiceLine, invoiceNumber: string): string {
  const p = prefix(invoiceNumber);
  const d =
    line.kind === 'adjustment' && line.description.startsWith(p)
      ? line.description.slice(p.length)
      : line.description;
  return d.replace(EXTRAPOLATED, '');
}

interface Tally {
  quantity: Dec;
  amount: Dec;
  unit: string;
  unitPrice: string;
  /** Decimal places of the quantity as the bill prints it (kWh 3, days 4, money the currency's). */
  places: number;
}

const placesOf = (text: string): number => text.split('.')[1]?.length ?? 0;

function tally(
  lines: readonly InvoiceLine[],
  invoiceNumber: string,
  into = new Map<string, Tally>(),
): Map<string, Tally> {
  for (const l of lines) {
    const key = keyOf(l, invoiceNumber);
    const t = into.get(key);
    if (t === undefined)
      into.set(key, {
        quantity: new Dec(l.quantity),
        amount: new Dec(l.amount),
        unit: l.unit,
        unitPrice: l.unitPrice,
        places: placesOf(l.quantity),
      });
    else {
      t.quantity = t.quantity.plus(l.quantity);
      t.amount = t.amount.plus(l.amount);
    }
  }
  return into;
}

/**
 * The adjustment lines that bring a settled period from what was billed (invoice + earlier
 * adjustments) to its recomputed bill: one line per line whose quantity or amount changed, with the
 * differences, in the recomputed bill's order. Empty when nothing changed, so recomputing again is
 * harmless (docs/design.md §5: a settled invoice is never edited; differences go on the next
 * invoice).
 */
export function adjustmentLines(
  state: SettledState,
  recomputed: readonly InvoiceLine[],
): { lines: InvoiceLine[]; total: string } {
  const digits = minorDigits(state.currency);
  const before = tally(
    state.adjustmentLines,
    state.invoiceNumber,
    tally(state.invoiceLines, state.invoiceNumber),
  );
  const after = tally(recomputed, state.invoiceNumber);
  const keys = [...after.keys(), ...[...before.keys()].filter((k) => !after.has(k))];
  const lines: InvoiceLine[] = [];
  for (const key of keys) {
    const a = after.get(key);
    const b = before.get(key);
    const dq = (a?.quantity ?? new Dec(0)).minus(b?.quantity ?? 0);
    const da = (a?.amount ?? new Dec(0)).minus(b?.amount ?? 0);
    if (dq.isZero() && da.isZero()) continue;
    const ref = a ?? b!;
    lines.push({
      kind: 'adjustment',
      description: `${prefix(state.invoiceNumber)}${key}`,
      quantity: dq.toFixed(Math.max(ref.places, dq.decimalPlaces())),
      unit: ref.unit,
      unitPrice: ref.unitPrice,
      amount: da.toFixed(digits),
      adjusts: state.invoiceNumber,
    });
  }
  return { lines, total: sum(lines.map((l) => new Dec(l.amount))).toFixed(digits) };
}
