import { h, table } from './dom.js';
import { formatDateTime, formatKwh, formatMoney } from './format.js';
import type { Basis, BillLine, BillStatus } from './types.js';

/**
 * Badge text and the sentence that says what kind of figure the bill is (docs/design.md:
 * never an estimate as a fact).
 */
export const STATUS_TEXT: Record<BillStatus, { readonly badge: string; readonly meaning: string }> =
  {
    estimated: {
      badge: 'Estimated',
      meaning:
        'The period is still open: measured consumption so far plus a projection to its end. This figure will change.',
    },
    provisional: {
      badge: 'Provisional',
      meaning:
        'The period has ended. Measured consumption only; late readings may still change it before it is settled.',
    },
    settled: { badge: 'Settled', meaning: 'Invoiced and final.' },
    held: { badge: 'Held', meaning: 'Settlement is on hold until our billing staff resolve it.' },
  };

/** The status badge of a bill. */
export function statusBadge(status: BillStatus): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${status}`, 'data-status': status },
    STATUS_TEXT[status].badge,
  );
}

/** The lines of a bill or invoice with subtotal and total; amounts are the API's exact decimals. */
export function linesTable(
  caption: string,
  lines: readonly BillLine[],
  currency: string,
  subtotal: string,
  total: string,
): HTMLTableElement {
  // Three columns, so that a bill fits a phone: quantity and unit price share one that may wrap.
  const t = table(
    caption,
    ['Line', 'Quantity × price', 'Amount'],
    lines.map((l) => [
      l.description,
      h('span', { class: 'qty' }, `${l.quantity} ${l.unit} × ${l.unitPrice}`),
      formatMoney(l.amount, currency),
    ]),
    { numeric: [1, 2] },
  );
  t.classList.add('lines');
  t.append(
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row', colspan: 2 }, 'Subtotal (before percent taxes)'),
        h('td', { class: 'num' }, formatMoney(subtotal, currency)),
      ),
      h(
        'tr',
        { class: 'total' },
        h('th', { scope: 'row', colspan: 2 }, 'Total'),
        h('td', { class: 'num' }, formatMoney(total, currency)),
      ),
    ),
  );
  return t;
}

const METHOD_TEXT: Record<string, string> = {
  measured: 'readings only',
  'baseline-7d': 'measured so far, plus the average of the 7 days before the latest reading',
  'extrapolated-7d': 'the missing end reading was extrapolated from the 7 days before',
  none: 'no baseline yet: nothing projected',
};

/** What a bill stands on: measured vs projected kWh. */
export function basisList(basis: Basis, tz: string): HTMLDListElement {
  return h(
    'dl',
    { class: 'basis' },
    h('dt', {}, 'Measured'),
    h(
      'dd',
      { 'data-basis': 'measured' },
      formatKwh(basis.measuredImportWh),
      basis.asOf === null
        ? ' (no reading yet)'
        : ` up to ${formatDateTime(Date.parse(basis.asOf), tz)}`,
    ),
    h('dt', {}, 'Projected'),
    h(
      'dd',
      { 'data-basis': 'projected' },
      basis.projectedImportWh === 0
        ? 'none'
        : `${formatKwh(basis.projectedImportWh)} to the end of the period`,
    ),
    h('dt', {}, 'Method'),
    h('dd', {}, METHOD_TEXT[basis.method] ?? basis.method),
  );
}
