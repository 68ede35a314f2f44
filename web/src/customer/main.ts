import '../shared/app.css';
import { ApiProblem, createApi, query, type Api } from '../shared/api.js';
import { byId, h, notice, replace } from '../shared/dom.js';
import { clearKey, storedKey, storeKey } from '../shared/session.js';
import { showSignIn } from '../shared/sign-in.js';
import type { Contract, List, Me, Meter } from '../shared/types.js';
import { renderBill } from './bill.js';
import { renderConsent } from './consent.js';
import { mountConsumption } from './consumption.js';
import { renderInvoices } from './invoices.js';
import { startLivePower } from './live-power.js';
import { mountMeterReading, unmountMeterReading } from './meter-reading.js';

const SLOT = 'wattledger.customerKey';
let stopPolling: (() => void) | undefined;
let unmountConsumption: (() => void) | undefined;

/**
 * Accept only customer keys: a staff or admin key belongs to no customer
 * and is sent to the console.
 */
async function verify(key: string): Promise<string | undefined> {
  const me = await createApi(key).get<Me>('/v1/me');
  return me.role === 'customer'
    ? undefined
    : `This is a ${me.role} key. Billing staff use the staff console at /staff.`;
}

function signOut(message?: string): void {
  clearKey(SLOT);
  stopPolling?.();
  stopPolling = undefined;
  byId('app').hidden = true;
  byId('sign-out').hidden = true;
  replace(byId('who'), '');
  unmountConsumption?.();
  unmountConsumption = undefined;
  unmountMeterReading();
  for (const id of [
    'now-body',
    'consumption-body',
    'bill-body',
    'invoices-body',
    'privacy-body',
    'contract-picker',
  ])
    replace(byId(id), '');
  showSignIn({ verify, signedIn }, message);
}

function signedIn(key: string): void {
  storeKey(SLOT, key);
  void start(createApi(key, () => signOut('Your key is no longer accepted. Sign in again.')));
}

async function start(api: Api): Promise<void> {
  byId('app').hidden = false;
  byId('sign-out').hidden = false;
  try {
    const me = await api.get<Me>('/v1/me');
    if (me.customer === undefined)
      return replace(byId('now-body'), notice('This key belongs to no customer.', 'error'));
    replace(byId('who'), `Signed in as ${me.customer.name}`);
    const contracts = (await api.get<List<Contract>>('/v1/contracts')).items;
    // The current contract first: the one without a move-out, else the latest.
    const ordered = [...contracts].sort(
      (a, b) =>
        Number(a.endsAt !== null) - Number(b.endsAt !== null) ||
        Date.parse(b.startsAt) - Date.parse(a.startsAt),
    );
    if (ordered[0] === undefined)
      return replace(byId('now-body'), notice('You have no contract yet.'));
    pickContract(api, ordered);
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) return;
    replace(
      byId('now-body'),
      notice(`Could not load your account: ${e instanceof Error ? e.message : String(e)}`, 'error'),
    );
  }
}

/**
 * A picker when the customer has several contracts (e.g. after moving house);
 * the first is shown at once.
 */
function pickContract(api: Api, contracts: readonly Contract[]): void {
  const box = byId('contract-picker');
  if (contracts.length > 1) {
    const select = h(
      'select',
      {
        id: 'contract-select',
        onchange: () =>
          void showContract(api, contracts.find((c) => c.id === select.value) ?? contracts[0]!),
      },
      ...contracts.map((c) =>
        h(
          'option',
          { value: c.id },
          `${c.id} (from ${c.startsAt.slice(0, 10)}${c.endsAt === null ? '' : ` to ${c.endsAt.slice(0, 10)}`})`,
        ),
      ),
    );
    replace(box, h('label', { for: 'contract-select' }, 'Contract'), select);
  }
  void showContract(api, contracts[0]!);
}

async function showContract(api: Api, contract: Contract): Promise<void> {
  stopPolling?.();
  unmountConsumption?.();
  const tz = contract.timezone;
  const consumption = byId('consumption-body');
  replace(consumption);
  renderConsent(byId('privacy-body'), api, contract, (next) => void showContract(api, next));
  const meters = (await api.get<List<Meter>>(`/v1/meters${query({ contractId: contract.id })}`))
    .items;
  // The meter in service: after an exchange the contract lists the old one too.
  const meter = meters.find((m) => m.removedAt == null) ?? meters[0];
  if (meter === undefined) {
    replace(byId('now-body'), notice('No meter is attached to this contract yet.'));
  } else {
    stopPolling = startLivePower(byId('now-body'), api, meter.id, tz);
    mountMeterReading({ api, meterId: meter.id, tz, consent: contract.consent });
    unmountConsumption = mountConsumption(consumption, {
      api,
      meterId: meter.id,
      tz,
      contractStart: Date.parse(contract.startsAt),
      consent: contract.consent,
    });
  }
  byId('tz-note').textContent = `Times are shown in ${tz}, your contract's time zone.`;
  await Promise.all([
    renderBill(byId('bill-body'), api, contract.id, tz),
    renderInvoices(byId('invoices-body'), api, contract.id, tz),
  ]);
}

byId('sign-out').addEventListener('click', () => signOut());
const key = storedKey(SLOT);
if (key === undefined) showSignIn({ verify, signedIn });
else void start(createApi(key, () => signOut('Your key is no longer accepted. Sign in again.')));
