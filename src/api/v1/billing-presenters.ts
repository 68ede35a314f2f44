import type { BillView, PeriodHistoryItem } from '../../billing/bill-view.js';
import type { Invoice } from '../../billing/records/invoices-repo.js';
import { toRfc3339 } from '../../shared/time.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : toRfc3339(ms));

/** API shape of a bill. */
export const presentBill = (b: BillView) => ({
  contractId: b.contractId,
  period: { start: toRfc3339(b.period.start), end: toRfc3339(b.period.end) },
  status: b.status,
  currency: b.currency,
  lines: b.lines.map((l) => ({ ...l })),
  subtotal: b.subtotal,
  total: b.total,
  basis: b.basis,
  ...(b.estimate === undefined ? {} : { estimate: { ...b.estimate } }),
  ...(b.invoiceNumber === undefined ? {} : { invoiceNumber: b.invoiceNumber }),
  ...(b.holdReason === undefined ? {} : { holdReason: b.holdReason }),
});

/** API shape of a period of the history. */
export const presentPeriod = (p: PeriodHistoryItem) => ({
  id: p.id,
  start: toRfc3339(p.start),
  end: toRfc3339(p.end),
  status: p.status,
  holdReason: p.holdReason,
  closedAt: isoOrNull(p.closedAt),
  settledAt: isoOrNull(p.settledAt),
  invoiceNumber: p.invoiceNumber,
});

/** API shape of an invoice (who issued it stays in the audit log). */
export const presentInvoice = (i: Invoice) => ({
  number: i.number,
  kind: i.kind,
  contractId: i.contractId,
  customerId: i.customerId,
  period: { start: toRfc3339(i.period.start), end: toRfc3339(i.period.end) },
  currency: i.currency,
  lines: i.lines.map((l) => ({ ...l })),
  subtotal: i.subtotal,
  total: i.total,
  basis: i.basis,
  issuedAt: toRfc3339(i.issuedAt),
});
