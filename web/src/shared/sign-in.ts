import { ApiProblem } from './api.js';
import { byId, replace } from './dom.js';

/** Wiring of a sign-in form already in the page (`#sign-in-form`, `#api-key`, `#sign-in-error`). */
export interface SignInOptions {
  /**
   * Check the key against the API: undefined accepts it; a text refuses it with that message; null
   * refuses it and the caller has shown its own refusal. An {@link
   * ApiProblem} thrown refuses it too.
   */
  verify(key: string): Promise<string | null | undefined>;
  /** The key was accepted. */
  signedIn(key: string): void;
}

/** Show the sign-in form and resolve nothing: `signedIn` is called once a key passes `verify`. */
export function showSignIn(opts: SignInOptions, message?: string): void {
  const section = byId('sign-in');
  const form = byId<HTMLFormElement>('sign-in-form');
  const input = byId<HTMLInputElement>('api-key');
  const error = byId('sign-in-error');
  const button = form.querySelector('button[type=submit]');
  section.hidden = false;
  replace(error, message ?? '');
  error.hidden = message === undefined;
  input.value = '';
  input.focus();
  form.onsubmit = async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (key === '') return showError('Enter your API key.');
    button?.setAttribute('disabled', '');
    try {
      const refusal = await opts.verify(key);
      if (typeof refusal === 'string') return showError(refusal);
      input.value = '';
      if (refusal === null) {
        section.hidden = true;
        return;
      }
      section.hidden = true;
      opts.signedIn(key);
    } catch (err) {
      showError(
        err instanceof ApiProblem && err.status === 401
          ? 'This API key was not accepted. Check it and try again.'
          : `Sign-in failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      button?.removeAttribute('disabled');
    }
  };

  function showError(text: string): void {
    replace(error, text);
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}
