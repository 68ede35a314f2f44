import { query, type Api } from '../shared/api.js';
import { h, notice, replace } from '../shared/dom.js';
import type { List, Rejection } from '../shared/types.js';

/**
 * "Latest rejections": what ingest refused, newest first, with the reason and
 * the raw payload as received.
 */
export async function renderRejections(body: HTMLElement, api: Api): Promise<void> {
  try {
    const page = await api.get<List<Rejection>>(`/v1/ingest/rejections${query({ limit: 20 })}`);
    if (page.items.length === 0)
      return replace(body, notice('No rejection: every message received was stored as a reading.'));
    replace(
      body,
      h(
        'div',
        { class: 'invoice-list' },
        ...page.items.map((r, i) =>
          h(
            'details',
            { class: 'invoice', 'data-rejection': r.reason, open: i < 3 },
            h(
              'summary',
              {},
              h('span', { class: 'code' }, r.reason),
              h('span', {}, r.meterId ?? r.topic),
              h('span', { class: 'inv-total muted' }, new Date(r.receivedAt).toLocaleString()),
            ),
            h('p', {}, r.detail),
            h(
              'p',
              { class: 'muted' },
              `Topic ${r.topic} · ${r.payloadBytes} bytes${r.payloadBytes > r.payload.length ? ' (cut)' : ''}`,
            ),
            h('pre', { class: 'payload', 'aria-label': 'Raw payload' }, r.payload),
          ),
        ),
      ),
    );
  } catch (e) {
    replace(
      body,
      notice(
        `Could not load the rejections: ${e instanceof Error ? e.message : String(e)}`,
        'error',
      ),
    );
  }
}
