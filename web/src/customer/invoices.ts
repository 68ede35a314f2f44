import type { Api } from '../shared/api.js';
import { basisList, linesTable } from '../shared/bill-parts.js';
import { h, notice, replace, scrollBox } from '../shared/dom.js';
import { formatDate, formatMoney, formatPeriod } from '../shared/format.js';
import type { Invoice, List } from '../shared/types.js';

/** One invoice as a disclosure: number, period and total in the summary, its lines inside. */
export function invoiceDetails(inv: Invoice, tz: string): HTMLDetailsElement {
  return h(
    'details',
    { class: 'invoice', 'data-invoice': inv.number },
    h(
      'summary',
      {},
      h('span', { class: 'inv-number' }, inv.number),
      h(
        'span',
        { class: 'inv-period' },
        inv.kind === 'adjustment'
          ? 'Adjustment'
          : formatPeriod(inv.period.start, inv.period.end, tz),
      ),
      h('span', { class: 'inv-total' }, formatMoney(inv.total, inv.currency)),
    ),
    h('p', { class: 'muted' }, `Issued ${formatDate(Date.parse(inv.issuedAt), tz)}`),
    scrollBox(
      linesTable(
        `Lines of invoice ${inv.number}`,
        inv.lines,
        inv.currency,
        inv.subtotal,
        inv.total,
      ),
    ),
    basisList(inv.basis, tz),
  );
}

/** "Invoices": the contract's settled invoices, newest first. */
export async function renderInvoices(
  body: HTMLElement,
  api: Api,
  contractId: string,
  tz: string,
): Promise<void> {
  try {
    const list = await api.get<List<Invoice>>(
      `/v1/contracts/${encodeURIComponent(contractId)}/invoices`,
    );
    if (list.items.length === 0)
      return replace(
        body,
        notice(
          'No invoice yet: your first one is issued once a billing period has ended and been settled.',
        ),
      );
    replace(
      body,
      h('div', { class: 'invoice-list' }, ...list.items.map((inv) => invoiceDetails(inv, tz))),
    );
  } catch (e) {
    replace(
      body,
      notice(
        `Could not load your invoices: ${e instanceof Error ? e.message : String(e)}`,
        'error',
      ),
    );
  }
}
