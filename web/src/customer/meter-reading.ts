import './people-readings.css';
import { ApiProblem, type Api } from '../shared/api.js';
import { h, notice, replace } from '../shared/dom.js';
import { formatDateTime } from '../shared/format.js';
import { fromLocalInput, toLocalInput } from '../shared/tz.js';
import type { LatestReading } from '../shared/types.js';
import { kwhTextToWh, whToKwhText } from './reading-index.js';

/** What the form needs of the contract shown. */
export interface MeterReadingContext {
  readonly api: Api;
  readonly meterId: string;
  readonly tz: string;
  /** The contract's consent: the last known index is a register read at a moment (`interval`). */
  readonly consent: string | undefined;
}

/** The stored reading `POST /v1/meters/{id}/readings` answers. */
interface StoredReading {
  readonly ts: string;
  readonly importWh: number;
  readonly source: string;
}

const SECTION_ID = 'meter-reading';

/**
 * The card of the form, created once after "Right now" (the page template does not need to know
 * of it). Answers its body.
 */
function section(): HTMLElement {
  const existing = document.getElementById(`${SECTION_ID}-body`);
  if (existing !== null) return existing;
  const body = h('div', { id: `${SECTION_ID}-body` });
  const card = h(
    'section',
    { id: SECTION_ID, class: 'card', 'aria-labelledby': `${SECTION_ID}-title` },
    h('h2', { id: `${SECTION_ID}-title` }, 'Submit a meter reading'),
    body,
  );
  const now = document.getElementById('now');
  if (now !== null) now.after(card);
  else document.getElementById('app')?.append(card);
  return body;
}

/** Remove the card (signing out). */
export function unmountMeterReading(): void {
  document.getElementById(SECTION_ID)?.remove();
}

/**
 * "Submit a meter reading": when the meter's telemetry fails, the customer reads the index off the
 * meter and enters it, with the time it was read (in the contract's zone) and an optional note. The
 * last known index is shown beside the form, where the consent allows it (it is a register read at
 * one moment). A refused reading shows the API's reason; an accepted one updates the last known
 * index.
 */
export function mountMeterReading(ctx: MeterReadingContext): void {
  const body = section();
  const last = h('p', { id: 'last-index', 'aria-live': 'polite' });
  const status = h('div', { id: 'reading-status', 'aria-live': 'polite' });
  const when = h('input', {
    id: 'reading-ts',
    name: 'ts',
    type: 'datetime-local',
    required: true,
    value: toLocalInput(Date.now(), ctx.tz),
    max: toLocalInput(Date.now(), ctx.tz),
  });
  const index = h('input', {
    id: 'reading-index',
    name: 'importWh',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    required: true,
    placeholder: 'e.g. 12345.678',
    'aria-describedby': 'reading-index-help',
  });
  const note = h('input', { id: 'reading-note', name: 'note', type: 'text', maxlength: 500 });
  const form = h(
    'form',
    { class: 'reading-form', novalidate: true },
    h(
      'div',
      { class: 'fields' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'reading-index' }, 'Index (kWh)'),
        index,
        h('span', { id: 'reading-index-help', class: 'muted' }, 'As your meter shows it.'),
      ),
      h('div', { class: 'field' }, h('label', { for: 'reading-ts' }, 'Read at'), when),
      h('div', { class: 'field' }, h('label', { for: 'reading-note' }, 'Note (optional)'), note),
      h('button', { type: 'submit', class: 'primary' }, 'Submit reading'),
    ),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit();
  });
  replace(
    body,
    h(
      'p',
      { class: 'muted' },
      'If your meter stops reporting, read the index off its display and enter it here: your bill can then be settled from it.',
    ),
    last,
    form,
  );
  void showLast();

  async function showLast(): Promise<void> {
    if (ctx.consent !== undefined && ctx.consent !== 'interval') {
      replace(
        last,
        'Your last known index is shown only when you allow 15-minute detail (Your data).',
      );
      return;
    }
    try {
      const r = await ctx.api.get<LatestReading>(
        `/v1/meters/${encodeURIComponent(ctx.meterId)}/readings/latest`,
      );
      replace(
        last,
        'Last known index: ',
        h(
          'strong',
          { id: 'last-index-value', 'data-wh': r.importWh },
          `${whToKwhText(r.importWh)} kWh`,
        ),
        ' on ',
        h('time', { datetime: r.ts }, formatDateTime(Date.parse(r.ts), ctx.tz)),
        r.source === undefined || r.source === 'meter'
          ? ''
          : ` (entered by ${r.source === 'customer' ? 'you' : 'our staff'})`,
      );
    } catch (err) {
      replace(
        last,
        err instanceof ApiProblem && err.status === 404
          ? 'No reading from your meter yet.'
          : `The last known index is not available: ${err instanceof ApiProblem ? err.detail : String(err)}`,
      );
    }
  }

  async function submit(): Promise<void> {
    const parsed = kwhTextToWh(index.value);
    if ('problem' in parsed) {
      index.setAttribute('aria-invalid', 'true');
      replace(status, notice(parsed.problem, 'error'));
      index.focus();
      return;
    }
    index.removeAttribute('aria-invalid');
    const ts = fromLocalInput(when.value, ctx.tz);
    if (ts === undefined) {
      replace(status, notice('Enter the date and time you read the meter.', 'error'));
      when.focus();
      return;
    }
    try {
      const stored = await ctx.api.post<StoredReading>(
        `/v1/meters/${encodeURIComponent(ctx.meterId)}/readings`,
        {
          ts: new Date(ts).toISOString(),
          importWh: parsed.wh,
          ...(note.value.trim() === '' ? {} : { note: note.value.trim() }),
        },
      );
      replace(
        status,
        notice(
          `Thank you: your reading of ${whToKwhText(stored.importWh)} kWh at ${formatDateTime(Date.parse(stored.ts), ctx.tz)} is recorded.`,
        ),
      );
      index.value = '';
      note.value = '';
      void showLast();
    } catch (err) {
      replace(
        status,
        notice(
          `Your reading was not recorded: ${err instanceof ApiProblem ? err.detail : String(err)}`,
          'error',
        ),
      );
    }
  }
}
