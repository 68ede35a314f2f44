import { ApiProblem, type Api } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { formatMoney } from '../shared/format.js';
import type { Budget, MoneyRange } from '../shared/types.js';
import { budgetState, budgetText } from './estimate-text.js';

/**
 * The budget of the current bill: the warning where the estimate stands against it (when the bill
 * is an estimate with a range), and a form to set, change or remove it.
 */
export function renderBudget(
  body: HTMLElement,
  api: Api,
  budget: Budget,
  range: MoneyRange | undefined,
): void {
  const path = `/v1/contracts/${encodeURIComponent(budget.contractId)}/budget`;
  const error = h('p', {
    id: 'budget-error',
    class: 'notice notice-error',
    role: 'alert',
    hidden: true,
  });
  const input = h('input', {
    id: 'budget-amount',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: budget.amount ?? '',
    'aria-describedby': 'budget-help budget-error',
  });
  const save = async (amount: string | null) => {
    try {
      const next = await api.post<Budget>(path, { amount }, 'PUT');
      renderBudget(body, api, next, range);
      body.querySelector<HTMLElement>('#budget-state, #budget-amount')?.focus();
    } catch (e) {
      error.textContent =
        e instanceof ApiProblem
          ? e.detail
          : `Could not save: ${e instanceof Error ? e.message : String(e)}`;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    }
  };
  const state =
    budget.amount === null || range === undefined ? undefined : budgetState(range, budget.amount);
  replace(
    body,
    state === undefined || budget.amount === null || range === undefined
      ? null
      : h(
          'p',
          {
            id: 'budget-state',
            tabindex: -1,
            'data-budget': state,
            class: `notice ${state === 'over' || state === 'likely-over' ? 'notice-error' : 'notice-info'}`,
            role: state === 'over' || state === 'likely-over' ? 'alert' : undefined,
          },
          budgetText(state, range, budget.amount, budget.currency),
        ),
    h(
      'form',
      {
        class: 'budget-form',
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          // A decimal comma is a decimal point: "120,50" is 120.50.
          const amount = input.value.trim().replace(',', '.');
          void save(amount === '' ? null : amount);
        },
      },
      h('label', { for: 'budget-amount' }, `Monthly budget (${budget.currency})`),
      h(
        'div',
        { class: 'budget-row' },
        input,
        h('button', { type: 'submit', class: 'primary' }, 'Save budget'),
        budget.amount === null
          ? null
          : h('button', { type: 'button', onclick: () => void save(null) }, 'Remove budget'),
      ),
      h(
        'p',
        { id: 'budget-help', class: 'muted' },
        budget.amount === null
          ? 'Set an amount and the app warns you when this month’s bill is likely to pass it.'
          : `Your budget is ${formatMoney(budget.amount, budget.currency)} a month.`,
      ),
      error,
    ),
  );
}
