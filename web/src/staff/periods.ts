import { h, notice, replace, scrollBox, table } from '../shared/dom.js';
import { formatPeriod } from '../shared/format.js';
import type { Period, SettlementResult } from '../shared/types.js';
import { contractName, type FleetState } from './fleet-state.js';
import type { Act } from './act.js';

const STATUSES: readonly Period['status'][] = ['open', 'closed', 'held', 'settled'];

/**
 * Hold reasons that are codes rather than prose, in the words staff read. `back_billing_cap`:
 * the period ended before the back-billing cap, and nothing, not even forcing, will invoice it.
 */
const HOLD_TEXT: Readonly<Record<string, string>> = {
  back_billing_cap: 'beyond the back-billing cap: never invoiced',
};

/** A hold reason as staff read it: its label when it is a code, else the reason itself. */
export function holdReasonText(reason: string | null): string {
  return reason === null ? '' : (HOLD_TEXT[reason] ?? reason);
}

/** A period status badge (open, closed, held, settled). */
function periodBadge(status: Period['status']): HTMLElement {
  return h('span', { class: `badge badge-${status}` }, status);
}

/**
 * "Billing periods": how many of the month's periods are in each status, and every held period with
 * its reason and a force-settle action.
 */
export function renderPeriods(body: HTMLElement, state: FleetState, act: Act): void {
  const counts = STATUSES.map((s) => [
    periodBadge(s),
    state.periods.filter((p) => p.status === s).length,
  ]);
  const held = state.held.map((p) => ({ contractId: p.contractId, p }));
  const tz = (id: string) => state.contracts.find((c) => c.id === id)?.timezone ?? 'UTC';
  replace(
    body,
    scrollBox(
      table(`Periods of ${state.month} by status, all contracts`, ['Status', 'Periods'], counts, {
        numeric: [1],
      }),
    ),
    h('h3', { id: 'held-title', class: 'subhead' }, `Held periods (${held.length})`),
    held.length === 0
      ? notice('No period is held.')
      : scrollBox(
          table(
            'Held periods',
            ['Contract', 'Period', 'Reason', 'Action'],
            held.map(({ contractId, p }) => [
              contractName(state, contractId),
              formatPeriod(p.start, p.end, tz(contractId)),
              holdReasonText(p.holdReason),
              // Forcing invoices nothing beyond the back-billing cap: no button to promise it.
              p.holdReason === 'back_billing_cap'
                ? '—'
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'data-force-settle': contractId,
                      onclick: () =>
                        act(
                          {
                            title: 'Force settlement?',
                            body: `Settle the held periods of ${contractName(state, contractId)} now. A missing end reading is extrapolated from the 7 days before it, and the invoice lines say so. An invoice cannot be edited afterwards.`,
                            confirmLabel: 'Force settle',
                          },
                          async (api) => {
                            const r = await api.post<SettlementResult>('/v1/billing/settle', {
                              contractId,
                              force: true,
                            });
                            return `Force settlement of ${contractName(state, contractId)}: ${r.settled} settled, ${r.held} still held, ${r.failed} failed.`;
                          },
                        ),
                    },
                    'Force settle…',
                  ),
            ]),
            { captionHidden: true },
          ),
        ),
  );
}
