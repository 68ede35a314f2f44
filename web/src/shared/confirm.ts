import { h } from './dom.js';

/** What a confirmation asks. */
export interface ConfirmOptions {
  readonly title: string;
  readonly body: string;
  readonly confirmLabel: string;
}

/**
 * Ask before an action that changes the ledger. A modal `<dialog>`: the browser traps focus in it,
 * Escape cancels, and focus goes back to the button that opened it. Cancel has the initial focus,
 * so a stray Enter does nothing irreversible.
 */
export function confirmAction(opts: ConfirmOptions): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const titleId = `dlg-title-${Date.now()}`;
  const bodyId = `${titleId}-body`;
  const cancel = h('button', { type: 'button', class: 'secondary', autofocus: true }, 'Cancel');
  const ok = h('button', { type: 'button', class: 'primary' }, opts.confirmLabel);
  const dialog = h(
    'dialog',
    { 'aria-labelledby': titleId, 'aria-describedby': bodyId, class: 'confirm' },
    h('h2', { id: titleId }, opts.title),
    h('p', { id: bodyId }, opts.body),
    h('div', { class: 'dialog-actions' }, cancel, ok),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      opener?.focus();
      resolve(answer);
    };
    cancel.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    dialog.showModal();
    cancel.focus();
  });
}
