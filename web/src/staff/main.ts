import '../shared/app.css';
import { createApi, type Api } from '../shared/api.js';
import { byId, notice, replace } from '../shared/dom.js';
import { clearKey, storedKey, storeKey } from '../shared/session.js';
import { showSignIn } from '../shared/sign-in.js';
import type { Me } from '../shared/types.js';
import { createAct } from './act.js';
import { renderActions } from './actions.js';
import { loadFleetState } from './fleet-state.js';
import { renderLatestInvoices } from './invoices.js';
import { renderPeriods } from './periods.js';
import { mountPeopleReadings } from './people-readings.js';
import { renderRejections } from './rejections.js';
import { mountRevenue } from './revenue.js';
import { mountSummary } from './summary.js';

const SLOT = 'wattledger.staffKey';
const REFUSAL =
  'This key belongs to a customer, and the staff console is for billing staff: it needs a staff or admin key. Customers see their consumption and bills in the customer app.';

/** The API says whose key it is: a customer key is refused before anything is shown. */
async function verify(key: string): Promise<string | null | undefined> {
  const me = await createApi(key).get<Me>('/v1/me');
  if (me.role !== 'customer') return undefined;
  showRefusal();
  return null;
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
  void api
    .get<Me>('/v1/me')
    .then((me) => {
      if (me.role === 'customer') return showRefusal();
      byId('who').textContent = me.role === 'admin' ? 'Billing staff (admin)' : 'Billing staff';
    })
    .catch(() => undefined);
  const revenue = mountRevenue(byId('revenue-body'), api);
  const summary = mountSummary(byId('summary-body'), api, () => void refresh());
  const peopleReadings = mountPeopleReadings(api);
  const refresh = async (): Promise<void> => {
    const root = byId('console');
    root.dataset.state = 'loading';
    const month = summary.month();
    const fleet = loadFleetState(api, month)
      .then((state) => {
        renderPeriods(byId('periods-body'), state, act);
        renderActions(byId('actions-body'), state, act);
        renderLatestInvoices(byId('latest-invoices-body'), state);
      })
      .catch((e: unknown) => {
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
      revenue.show(month),
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
