import { ApiProblem, type Api } from '../shared/api.js';
import { h, notice, replace } from '../shared/dom.js';
import { ago, formatDateTime, formatPower, formatTime } from '../shared/format.js';
import type { LatestReading } from '../shared/types.js';

/**
 * How often the latest reading is fetched. Meters report every 15 min; polling is cheap and shows
 * a reading within seconds.
 */
export const POLL_MS = 10_000;

/**
 * "Right now": the meter's latest power and reading time, fetched every {@link POLL_MS} (and at
 * once when the tab becomes visible again). Returns a stop function.
 */
export function startLivePower(
  body: HTMLElement,
  api: Api,
  meterId: string,
  tz: string,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    try {
      const r = await api.get<LatestReading>(
        `/v1/meters/${encodeURIComponent(meterId)}/readings/latest`,
      );
      render(r);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 404)
        replace(body, notice('No reading from your meter yet.'));
      else if (e instanceof ApiProblem && e.status === 403) {
        // Refused for good (e.g. live power needs a finer consent): say why and stop asking.
        replace(body, notice(`Live power is not available: ${e.detail}`));
        return;
      } else
        replace(
          body,
          notice(
            `Could not load the latest reading: ${e instanceof Error ? e.message : String(e)}`,
            'error',
          ),
        );
    }
    if (!stopped) timer = setTimeout(() => void refresh(), POLL_MS);
  }

  function render(r: LatestReading): void {
    const ts = Date.parse(r.ts);
    const now = Date.now();
    replace(
      body,
      h(
        'p',
        { class: 'power' },
        h(
          'span',
          { id: 'power-value', 'data-power-w': r.powerW ?? '' },
          r.powerW === null ? 'not reported' : formatPower(r.powerW),
        ),
      ),
      h(
        'p',
        {},
        'Last reading ',
        h('time', { id: 'reading-time', datetime: r.ts }, formatDateTime(ts, tz)),
        ` (${ago(ts, now)})`,
      ),
      h(
        'p',
        { class: 'muted' },
        `Received ${formatDateTime(Date.parse(r.receivedAt), tz)} · updated `,
        // In the contract's zone like every other time of the app, not the browser's.
        h(
          'time',
          { id: 'updated-time', datetime: new Date(now).toISOString() },
          formatTime(now, tz),
        ),
      ),
    );
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible') void refresh();
  };
  document.addEventListener('visibilitychange', onVisible);
  void refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
