import type { Api } from '../shared/api.js';
import { basisList, linesTable, STATUS_TEXT, statusBadge } from '../shared/bill-parts.js';
import { h, notice, replace, scrollBox } from '../shared/dom.js';
import { formatMoney, formatPeriod } from '../shared/format.js';
import type { Bill, Budget } from '../shared/types.js';
import { renderBudget } from './budget.js';
import { rangeText } from './estimate-text.js';

/**
 * "Current bill": the bill of the period containing now, with its status badge, an estimate's
 * range, the customer's budget against it, lines and basis.
 */
export async function renderBill(
  body: HTMLElement,
  api: Api,
  contractId: string,
  tz: string,
): Promise<void> {
  let bill: Bill;
  let budget: Budget | undefined;
  const id = encodeURIComponent(contractId);
  try {
    [bill, budget] = await Promise.all([
      api.get<Bill>(`/v1/contracts/${id}/bill`),
      // The bill is worth showing without the budget.
      api.get<Budget>(`/v1/contracts/${id}/budget`).catch(() => undefined),
    ]);
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
  const budgetBox = h('div', { id: 'budget', class: 'budget' });
  if (budget !== undefined)
    renderBudget(budgetBox, api, budget, bill.status === 'estimated' ? bill.estimate : undefined);
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
      bill.holdReason === undefined ? null : ` Reason: ${holdReasonText(bill.holdReason)}.`,
    ),
    h(
      'p',
      { class: 'bill-total' },
      h('span', { class: 'muted' }, `${label} `),
      h('strong', { id: 'bill-total' }, formatMoney(bill.total, bill.currency)),
    ),
    bill.estimate === undefined
      ? null
      : h(
          'p',
          { id: 'bill-range', class: 'bill-range' },
          `The final bill should be ${rangeText(bill.estimate, bill.currency)}.`,
          h(
            'span',
            { class: 'muted' },
            ' (8 bills in 10 land inside such a range; the rest fall outside it.)',
          ),
        ),
    budget === undefined ? null : budgetBox,
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

/** A hold reason in words: the cap's is a code, the others are sentences already. */
function holdReasonText(reason: string): string {
  return reason === 'back_billing_cap'
    ? 'it ended before the back-billing cap, so it will never be invoiced'
    : reason;
}
