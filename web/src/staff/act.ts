import { ApiProblem, type Api } from '../shared/api.js';
import { confirmAction, type ConfirmOptions } from '../shared/confirm.js';
import { byId } from '../shared/dom.js';

/** Run a ledger-changing call after a confirmation; the returned text is announced. */
export type Act = (confirm: ConfirmOptions, call: (api: Api) => Promise<string>) => Promise<void>;

/**
 * The console's one way to change things: confirm in a dialog, call, announce the outcome in the
 * status line (a polite live region), then refresh what the call may have changed.
 */
export function createAct(api: Api, refresh: () => Promise<void>): Act {
  const status = byId('action-status');
  const say = (text: string, error: boolean) => {
    status.textContent = text;
    status.hidden = false;
    status.classList.toggle('notice-error', error);
  };
  return async (confirm, call) => {
    if (!(await confirmAction(confirm))) return;
    say('Working…', false);
    try {
      say(await call(api), false);
    } catch (e) {
      say(
        e instanceof ApiProblem
          ? `Refused (${e.status}): ${e.detail}`
          : `Failed: ${e instanceof Error ? e.message : String(e)}`,
        true,
      );
    }
    await refresh();
  };
}
