import { h, replace } from '../shared/dom.js';
import { formatDateTime } from '../shared/format.js';
import { fromLocalInput, toLocalInput } from '../shared/tz.js';
import type { SettlementResult } from '../shared/types.js';
import type { Act } from './act.js';
import { contractName, type FleetState } from './fleet-state.js';

const QUARTER_MS = 15 * 60_000;

/**
 * "Close and settle": month-end close for every contract, a move-out for one, and a settlement run.
 */
export function renderActions(body: HTMLElement, state: FleetState, act: Act): void {
  const now = Date.now();
  // Sorted by name with numbers in order: household 2 before household 10.
  const active = state.contracts
    .filter((c) => c.endsAt === null || Date.parse(c.endsAt) > now)
    .sort((a, b) =>
      contractName(state, a.id).localeCompare(contractName(state, b.id), undefined, {
        numeric: true,
      }),
    );
  const select = h(
    'select',
    { id: 'moveout-contract', required: true },
    ...active.map((c) => h('option', { value: c.id }, contractName(state, c.id))),
  );
  const at = h('input', {
    id: 'moveout-at',
    type: 'datetime-local',
    step: 900,
    required: true,
    'aria-describedby': 'moveout-help moveout-error',
  });
  const help = h('p', { id: 'moveout-help', class: 'muted' });
  const error = h('p', {
    id: 'moveout-error',
    class: 'notice notice-error',
    role: 'alert',
    hidden: true,
  });
  const tzOf = () => active.find((c) => c.id === select.value)?.timezone ?? 'UTC';
  const syncZone = () => {
    help.textContent = `In the contract's time zone (${tzOf()}), on a quarter hour, not in the future.`;
    at.value = toLocalInput(Math.floor(Date.now() / QUARTER_MS) * QUARTER_MS, tzOf());
  };
  select.addEventListener('change', syncZone);
  syncZone();

  const moveOut = () => {
    const tz = tzOf();
    const when = fromLocalInput(at.value, tz);
    const problem =
      when === undefined
        ? 'Enter a date and time.'
        : when % QUARTER_MS !== 0
          ? 'A move-out lies on a quarter hour (:00, :15, :30, :45).'
          : when > Date.now()
            ? 'A move-out cannot be in the future.'
            : undefined;
    error.textContent = problem ?? '';
    error.hidden = problem === undefined;
    at.setAttribute('aria-invalid', String(problem !== undefined));
    if (problem !== undefined || when === undefined) return;
    const contractId = select.value;
    void act(
      {
        title: 'Record this move-out?',
        body: `${contractName(state, contractId)} ends at ${formatDateTime(when, tz)} (${tz}). Its current billing period ends then and is closed; it is settled after the grace window. This cannot be undone.`,
        confirmLabel: 'Record move-out',
      },
      async (api) => {
        const r = await api.post<{ closed: number }>('/v1/billing/close', {
          contractId,
          at: new Date(when).toISOString(),
        });
        return `Move-out recorded for ${contractName(state, contractId)}: ${r.closed} period(s) closed.`;
      },
    );
  };

  replace(
    body,
    h(
      'div',
      { class: 'actions-grid' },
      h(
        'div',
        { class: 'action' },
        h('h3', {}, 'Month end'),
        h(
          'p',
          { class: 'muted' },
          'Close every billing period of every contract that has ended by now.',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'close-month-end',
            onclick: () =>
              void act(
                {
                  title: 'Close ended periods?',
                  body: 'Every billing period that has ended by now is closed, for every contract. Closed periods are settled after the grace window.',
                  confirmLabel: 'Close periods',
                },
                async (api) =>
                  `Month-end close: ${(await api.post<{ closed: number }>('/v1/billing/close', {})).closed} period(s) closed.`,
              ),
          },
          'Close ended periods…',
        ),
      ),
      h(
        'div',
        { class: 'action' },
        h('h3', {}, 'Move-out'),
        h('label', { for: 'moveout-contract' }, 'Contract'),
        select,
        h('label', { for: 'moveout-at' }, 'Move-out date and time'),
        at,
        help,
        error,
        h('button', { type: 'button', id: 'record-moveout', onclick: moveOut }, 'Record move-out…'),
      ),
      h(
        'div',
        { class: 'action' },
        h('h3', {}, 'Settlement'),
        h(
          'p',
          { class: 'muted' },
          'Run settlement now, as the schedule does: closed periods past their grace window become invoices, or are held.',
        ),
        h(
          'button',
          {
            type: 'button',
            id: 'settle-now',
            class: 'primary',
            onclick: () =>
              void act(
                {
                  title: 'Settle now?',
                  body: 'Periods past their grace window are settled into invoices, which cannot be edited afterwards. Periods without a reading after their end are held.',
                  confirmLabel: 'Settle now',
                },
                async (api) => {
                  const r = await api.post<SettlementResult>('/v1/billing/settle', {});
                  return `Settlement run: ${r.closed} closed, ${r.settled} settled, ${r.held} held, ${r.failed} failed, ${r.adjusted} adjusted, ${r.notBilled} not billed.`;
                },
              ),
          },
          'Settle now…',
        ),
      ),
    ),
  );
}
