import { query, type Api } from '../shared/api.js';
import { statusBadge } from '../shared/bill-parts.js';
import { h, notice, replace, scrollBox, table } from '../shared/dom.js';
import { formatMoney } from '../shared/format.js';
import type { BillStatus, Summary } from '../shared/types.js';

const ORDER: readonly BillStatus[] = ['estimated', 'provisional', 'held', 'settled'];
const REVENUE_TEXT: Record<BillStatus, string> = {
  estimated: 'Estimated (period open)',
  provisional: 'Provisional (ended, not settled)',
  held: 'Held (needs staff)',
  settled: 'Settled (invoiced)',
};

/** This month as YYYY-MM in the browser's calendar. */
export function currentMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/**
 * "Bills of the month": a month picker (which the rest of the console follows: `onMonth`), the count
 * and total per status and currency, and revenue by kind.
 */
export function mountSummary(
  body: HTMLElement,
  api: Api,
  onMonth: (month: string) => void,
): { refresh(): Promise<void>; month(): string } {
  const input = h('input', {
    id: 'summary-month',
    type: 'month',
    value: currentMonth(),
    required: true,
  });
  const out = h('div', { 'aria-live': 'polite' });
  replace(body, h('label', { for: 'summary-month' }, 'Month'), input, out);
  input.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(input.value)) onMonth(input.value);
  });

  async function refresh(): Promise<void> {
    if (!/^\d{4}-\d{2}$/.test(input.value)) return replace(out, notice('Choose a month.', 'error'));
    try {
      const s = await api.get<Summary>(`/v1/billing/summary${query({ month: input.value })}`);
      render(s);
    } catch (e) {
      replace(
        out,
        notice(
          `Could not load the summary: ${e instanceof Error ? e.message : String(e)}`,
          'error',
        ),
      );
    }
  }

  function render(s: Summary): void {
    const items = [...s.items].sort(
      (a, b) =>
        ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.currency.localeCompare(b.currency),
    );
    const currencies = [...new Set(items.map((i) => i.currency))];
    replace(
      out,
      items.length === 0 ? notice(`No bill overlaps ${s.month}.`) : null,
      ...currencies.map((cur) =>
        h(
          'div',
          { class: 'revenue', role: 'group', 'aria-label': `Revenue in ${cur}` },
          ...ORDER.map((st) => {
            const item = items.find((i) => i.status === st && i.currency === cur);
            return h(
              'div',
              { 'data-revenue': st },
              REVENUE_TEXT[st],
              h('strong', {}, item === undefined ? '—' : formatMoney(item.total, cur)),
            );
          }),
        ),
      ),
      items.length === 0
        ? null
        : scrollBox(
            table(
              `Bills of ${s.month} by status and currency`,
              ['Status', 'Bills', 'Total'],
              items.map((i) => [statusBadge(i.status), i.count, formatMoney(i.total, i.currency)]),
              { numeric: [1, 2] },
            ),
          ),
    );
  }

  return { refresh, month: () => input.value };
}
