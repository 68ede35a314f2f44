import type { Api } from '../shared/api.js';
import { basisList, linesTable, STATUS_TEXT, statusBadge } from '../shared/bill-parts.js';
import { h, notice, replace, scrollBox } from '../shared/dom.js';
import { formatMoney, formatPeriod } from '../shared/format.js';
import type { Bill } from '../shared/types.js';

/**
 * "Current bill": the bill of the period containing now, with its status badge, lines and basis.
 */
export async function renderBill(
  body: HTMLElement,
  api: Api,
  contractId: string,
  tz: string,
): Promise<void> {
  let bill: Bill;
  try {
    bill = await api.get<Bill>(`/v1/contracts/${encodeURIComponent(contractId)}/bill`);
  } catch (e) {
    replace(
      body,
      notice(`Could not load your bill: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
    return;
  }
  const label =
    bill.status === 'estimated'
      ? 'Estimated total'
      : bill.status === 'settled'
        ? 'Total'
        : `${STATUS_TEXT[bill.status].badge} total`;
  replace(
    body,
    h(
      'div',
      { class: 'bill-head' },
      statusBadge(bill.status),
      h('span', { class: 'period' }, formatPeriod(bill.period.start, bill.period.end, tz)),
    ),
    h(
      'p',
      { class: 'meaning' },
      STATUS_TEXT[bill.status].meaning,
      bill.invoiceNumber === undefined ? null : ` Invoice ${bill.invoiceNumber}.`,
      bill.holdReason === undefined ? null : ` Reason: ${bill.holdReason}.`,
    ),
    h(
      'p',
      { class: 'bill-total' },
      h('span', { class: 'muted' }, `${label} `),
      h('strong', { id: 'bill-total' }, formatMoney(bill.total, bill.currency)),
    ),
    h('h3', {}, 'Basis'),
    basisList(bill.basis, tz),
    h(
      'details',
      {},
      h('summary', {}, `Bill lines (${bill.lines.length})`),
      scrollBox(
        linesTable(
          'Lines of the current bill',
          bill.lines,
          bill.currency,
          bill.subtotal,
          bill.total,
        ),
      ),
    ),
  );
}
