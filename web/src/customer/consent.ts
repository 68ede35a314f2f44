import { ApiProblem, type Api } from '../shared/api.js';
import { confirmAction } from '../shared/confirm.js';
import { h, notice, replace } from '../shared/dom.js';
import type { Contract } from '../shared/types.js';

/** Consent levels, coarsest first (docs/design.md §4 `PUT /v1/contracts/{id}/consent`). */
const LEVELS = [
  { value: 'month', label: 'Monthly totals only', help: 'What billing needs.' },
  { value: 'day', label: 'Daily totals', help: 'Adds the day view.' },
  { value: 'interval', label: '15-minute intervals', help: 'Adds the hour view and live power.' },
] as const;

const rank = (v: string) => LEVELS.findIndex((l) => l.value === v);

/**
 * "Your data": the finest consumption detail the customer allows to be shown and kept. Shown only
 * when the server reports a consent on the contract; narrowing it asks for a confirmation first.
 */
export function renderConsent(
  body: HTMLElement,
  api: Api,
  contract: Contract,
  changed: (c: Contract) => void,
): void {
  if (contract.consent === undefined) {
    replace(body);
    body.closest('section')?.setAttribute('hidden', '');
    return;
  }
  const current: string = contract.consent;
  body.closest('section')?.removeAttribute('hidden');
  const status = h('div', { 'aria-live': 'polite' });
  const radios = LEVELS.map((l) =>
    h('input', {
      type: 'radio',
      name: 'consent',
      id: `consent-${l.value}`,
      value: l.value,
      checked: l.value === current,
      'aria-describedby': `consent-${l.value}-help`,
    }),
  );
  const form = h(
    'form',
    {},
    h(
      'fieldset',
      { class: 'consent' },
      h('legend', {}, 'Consumption detail you allow to be shown and kept'),
      ...LEVELS.map((l, i) =>
        h(
          'div',
          { class: 'radio' },
          radios[i],
          h('label', { for: `consent-${l.value}` }, l.label),
          h('span', { id: `consent-${l.value}-help`, class: 'muted' }, l.help),
        ),
      ),
    ),
    h(
      'div',
      { class: 'picker' },
      h('button', { type: 'submit', class: 'primary' }, 'Save choice'),
      h('button', { type: 'button', onclick: () => void download() }, 'Download my data (zip)'),
    ),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save(radios.find((r) => r.checked)?.value ?? current);
  });
  replace(body, form);

  /** The right of access: the archive of `GET /v1/customers/me/export`, saved by the browser. */
  async function download(): Promise<void> {
    replace(status, notice('Preparing your archive…'));
    try {
      const blob = await api.blob('/v1/customers/me/export');
      const a = h('a', { href: URL.createObjectURL(blob), download: 'wattledger-my-data.zip' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      replace(status, notice('Your archive has been downloaded.'));
    } catch (err) {
      replace(
        status,
        notice(
          `Could not export your data: ${err instanceof ApiProblem ? err.detail : String(err)}`,
          'error',
        ),
      );
    }
  }

  async function save(next: string): Promise<void> {
    if (next === current) return replace(status, notice('Nothing changed.'));
    if (rank(next) < rank(current)) {
      const ok = await confirmAction({
        title: 'Allow less detail?',
        body: `Consumption finer than “${LEVELS[rank(next)]?.label ?? next}” will no longer be shown or kept.`,
        confirmLabel: 'Allow less detail',
      });
      if (!ok) return;
    }
    try {
      changed(
        await api.post<Contract>(
          `/v1/contracts/${encodeURIComponent(contract.id)}/consent`,
          { granularity: next },
          'PUT',
        ),
      );
    } catch (err) {
      replace(
        status,
        notice(
          `Could not save your choice: ${err instanceof ApiProblem ? err.detail : String(err)}`,
          'error',
        ),
      );
    }
  }
}
