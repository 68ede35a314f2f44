import { notice, replace, scrollBox, table } from '../shared/dom.js';
import { formatDateTime, formatMoney, formatPeriod } from '../shared/format.js';
import { contractName, type FleetState } from './fleet-state.js';

/** "Latest invoices": the most recently issued, over all contracts. */
export function renderLatestInvoices(body: HTMLElement, state: FleetState): void {
  const latest = state.invoices;
  const tz = (id: string) => state.contracts.find((c) => c.id === id)?.timezone ?? 'UTC';
  replace(
    body,
    latest.length === 0
      ? notice('No invoice has been issued yet.')
      : scrollBox(
          table(
            `The ${latest.length} latest invoices`,
            ['Invoice', 'Contract', 'Period', 'Total', 'Issued'],
            latest.map((i) => [
              i.number,
              contractName(state, i.contractId),
              i.kind === 'adjustment'
                ? 'adjustment'
                : formatPeriod(i.period.start, i.period.end, tz(i.contractId)),
              formatMoney(i.total, i.currency),
              formatDateTime(Date.parse(i.issuedAt), tz(i.contractId)),
            ]),
            { numeric: [3] },
          ),
        ),
  );
}
