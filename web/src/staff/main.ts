import '../shared/app.css';
import { ApiProblem, createApi, query, type Api } from '../shared/api.js';
import { byId, notice, replace } from '../shared/dom.js';
import { clearKey, storedKey, storeKey } from '../shared/session.js';
import { showSignIn } from '../shared/sign-in.js';
import { createAct } from './act.js';
import { renderActions } from './actions.js';
import { loadFleetState } from './fleet-state.js';
import { renderLatestInvoices } from './invoices.js';
import { renderPeriods } from './periods.js';
import { mountPeopleReadings } from './people-readings.js';
import { renderRejections } from './rejections.js';
import { currentMonth, mountSummary } from './summary.js';

const SLOT = 'wattledger.staffKey';
const REFUSAL =
  'This key belongs to a customer, and the staff console is for billing staff: it needs a staff or admin key. Customers see their consumption and bills in the customer app.';

/**
 * A staff-only read decides: a customer key gets 403 from the API, and the console refuses
 * it before showing anything.
 */
async function verify(key: string): Promise<string | null | undefined> {
  try {
    await createApi(key).get(`/v1/billing/summary${query({ month: currentMonth() })}`);
    return undefined;
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 403) {
      showRefusal();
      return null;
    }
    throw e;
  }
}

function showRefusal(): void {
  byId('sign-in').hidden = true;
  byId('console').hidden = true;
  byId('refusal-text').textContent = REFUSAL;
  byId('refusal').hidden = false;
  byId('refusal-back').focus();
}

function signOut(message?: string): void {
  clearKey(SLOT);
  byId('console').hidden = true;
  byId('sign-out').hidden = true;
  byId('refusal').hidden = true;
  showSignIn({ verify, signedIn }, message);
}

function signedIn(key: string): void {
  storeKey(SLOT, key);
  start(createApi(key, () => signOut('This key is no longer accepted. Sign in again.')));
}

function start(api: Api): void {
  byId('console').hidden = false;
  byId('sign-out').hidden = false;
  byId('who').textContent = 'Billing staff';
  const summary = mountSummary(byId('summary-body'), api);
  const peopleReadings = mountPeopleReadings(api);
  const refresh = async (): Promise<void> => {
    const root = byId('console');
    root.dataset.state = 'loading';
    const fleet = loadFleetState(api)
      .then((state) => {
        renderPeriods(byId('periods-body'), state, act);
        renderActions(byId('actions-body'), state, act);
        renderLatestInvoices(byId('latest-invoices-body'), state);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiProblem && e.status === 403) return showRefusal();
        replace(
          byId('periods-body'),
          notice(
            `Could not load the billing periods: ${e instanceof Error ? e.message : String(e)}`,
            'error',
          ),
        );
      });
    await Promise.all([
      summary.refresh(),
      fleet,
      renderRejections(byId('rejections-body'), api),
      peopleReadings.refresh(),
    ]);
    root.dataset.state = 'ready';
  };
  const act = createAct(api, refresh);
  void refresh();
}

byId('sign-out').addEventListener('click', () => signOut());
byId('refusal-back').addEventListener('click', () => signOut());
const key = storedKey(SLOT);
if (key === undefined) showSignIn({ verify, signedIn });
else start(createApi(key, () => signOut('This key is no longer accepted. Sign in again.')));
