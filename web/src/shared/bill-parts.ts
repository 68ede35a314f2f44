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

/** How an estimate's energy to the period end was projected (`basis.projection`). */
const PROJECTION_TEXT: Record<string, string> = {
  'recent-weeks':
    'measured so far, plus the two weeks before, by weekday and weekend and time of day',
  seasonal:
    'measured so far, plus the two weeks before, scaled by how the same weeks moved last year',
  'month-average':
    'the average of your last whole month, spread evenly (your data is shared by month)',
  'month-seasonal':
    'the average of your last whole month, scaled by how the same months moved last year',
  none: 'no history yet: nothing projected',
};

/** What a bill's figures rest on (`basis.method`). */
const METHOD_TEXT: Record<string, string> = {
  measured: 'readings only',
  'household-bootstrap': 'its range from how your own past days varied',
  'fleet-bootstrap':
    'its range from how households like yours vary (too little history of yours yet)',
  'extrapolated-7d': 'the missing end reading was extrapolated from the 7 days before',
  none: 'no history yet: nothing projected',
};

/** What a bill stands on: measured vs projected kWh, and how the rest was projected. */
export function basisList(basis: Basis, tz: string): HTMLDListElement {
  const exported =
    basis.projectedExportWh === undefined || basis.projectedExportWh === 0
      ? ''
      : `, and ${formatKwh(basis.projectedExportWh)} of export credited`;
  const projection = basis.projection === undefined ? undefined : PROJECTION_TEXT[basis.projection];
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
        : `${formatKwh(basis.projectedImportWh)} to the end of the period${exported}`,
    ),
    h('dt', {}, 'Method'),
    h(
      'dd',
      { 'data-basis': 'method' },
      projection === undefined
        ? (METHOD_TEXT[basis.method] ?? basis.method)
        : `${projection}; ${METHOD_TEXT[basis.method] ?? basis.method}`,
    ),
  );
}
