import type { BillLine, BillLineKind } from '../pricing/bill.js';

/**
 * A line of an invoice or a bill: a priced line, or an adjustment of an earlier settled invoice.
 */
export interface InvoiceLine extends Omit<BillLine, 'kind'> {
  readonly kind: BillLineKind | 'adjustment';
  /** On an adjustment line: the settled invoice it corrects. */
  readonly adjusts?: string;
}
