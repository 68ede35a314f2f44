import { query, type Api } from '../shared/api.js';
import { h, notice, replace, scrollBox, table } from '../shared/dom.js';

/** An entry of `GET /v1/readings`. */
interface PeopleReadingEntry {
  readonly id: number;
  readonly kind: 'reading' | 'correction';
  readonly meterId: string;
  readonly ts: string;
  readonly importWh: number;
  readonly exportWh: number | null;
  readonly source: 'customer' | 'staff';
  readonly note: string | null;
  readonly reason: string | null;
  readonly replaced: { readonly importWh: number; readonly source: string } | null;
  readonly enteredBy: string;
  readonly enteredAt: string;
}

const SECTION_ID = 'people-readings';
const FILTERS = [
  { value: '', label: 'Everyone' },
  { value: 'customer', label: 'Customers' },
  { value: 'staff', label: 'Staff' },
] as const;

/** The card, created once after the rejections (the page template does not need to know of it). */
function section(): HTMLElement {
  const existing = document.getElementById(`${SECTION_ID}-body`);
  if (existing !== null) return existing;
  const body = h('div', { id: `${SECTION_ID}-body` });
  const card = h(
    'section',
    { id: SECTION_ID, class: 'card', 'aria-labelledby': `${SECTION_ID}-title` },
    h('h2', { id: `${SECTION_ID}-title` }, 'Readings taken by people'),
    body,
  );
  const after = document.getElementById('rejections');
  if (after !== null) after.after(card);
  else document.getElementById('console')?.append(card);
  return body;
}

/**
 * "Readings taken by people": the latest readings customers and staff entered and staff
 * corrections, by source, with the note or reason, who entered it and what a correction replaced.
 */
export function mountPeopleReadings(api: Api): { refresh(): Promise<void> } {
  const body = section();
  const select = h(
    'select',
    { id: 'people-readings-source', onchange: () => void refresh() },
    ...FILTERS.map((f) => h('option', { value: f.value }, f.label)),
  );
  const list = h('div', { id: 'people-readings-list' });
  replace(
    body,
    h(
      'div',
      { class: 'picker' },
      h('label', { for: 'people-readings-source' }, 'Entered by'),
      select,
    ),
    list,
  );

  async function refresh(): Promise<void> {
    try {
      const page = await api.get<{ items: PeopleReadingEntry[] }>(
        `/v1/readings${query({ source: select.value === '' ? undefined : select.value, limit: 20 })}`,
      );
      if (page.items.length === 0)
        return replace(
          list,
          notice(
            select.value === 'customer'
              ? 'No customer has entered a reading.'
              : select.value === 'staff'
                ? 'Staff have entered or corrected no reading.'
                : 'No reading has been entered by a person.',
          ),
        );
      replace(
        list,
        scrollBox(
          table(
            'Readings taken by people, newest first',
            ['Meter', 'Read at', 'Index (Wh)', 'Entered by', 'Kind', 'Note or reason', 'Replaced'],
            page.items.map((e) => [
              e.meterId,
              new Date(e.ts).toLocaleString(),
              e.importWh.toLocaleString(),
              h('span', { 'data-source': e.source }, `${e.source} (${e.enteredBy})`),
              e.kind,
              e.note ?? e.reason ?? '',
              e.replaced === null
                ? e.kind === 'correction'
                  ? 'nothing stored'
                  : ''
                : `${e.replaced.importWh.toLocaleString()} Wh (${e.replaced.source})`,
            ]),
            { numeric: [2], captionHidden: true },
          ),
        ),
      );
    } catch (e) {
      replace(
        list,
        notice(
          `Could not load the readings taken by people: ${e instanceof Error ? e.message : String(e)}`,
          'error',
        ),
      );
    }
  }

  return { refresh };
}
