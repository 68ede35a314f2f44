import { mapLimit, query, type Api } from '../shared/api.js';
import { h, notice, replace, scrollBox, table } from '../shared/dom.js';
import { formatMoney } from '../shared/format.js';
import type { CurrencyRevenue, Revenue } from '../shared/types.js';
import { createRevenueChart, type RevenueChart, type RevenuePoint } from './revenue-chart.js';
import { chartInstants, knownMoney, monthSpan, totalRange, whyNotExact } from './revenue-series.js';

const UTC_DAY = new Intl.DateTimeFormat(undefined, {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * "Revenue of the month": where the month's money stands now and how it got there, from its first
 * day to settlement, and one sentence on why it is not exact yet. The answer for a past instant
 * never changes (the API keeps what it valued), so past points are asked once per page.
 */
export function mountRevenue(body: HTMLElement, api: Api): { show(month: string): Promise<void> } {
  const past = new Map<string, Revenue>();
  let chart: RevenueChart | undefined;
  let seq = 0;
  let chosen: string | undefined;

  const ask = async (month: string, at?: number): Promise<Revenue> => {
    const asOf = at === undefined ? undefined : new Date(at).toISOString();
    const key = `${month}|${asOf ?? ''}`;
    const known = past.get(key);
    if (known !== undefined) return known;
    const r = await api.get<Revenue>(`/v1/billing/revenue${query({ month, asOf })}`);
    if (asOf !== undefined) past.set(key, r);
    return r;
  };

  async function show(month: string): Promise<void> {
    const mine = ++seq;
    body.dataset.state = 'loading';
    try {
      const now = await ask(month);
      const nowMs = Date.parse(now.asOf);
      const span = monthSpan(month, now.graceHours);
      const instants = chartInstants(span, nowMs).filter((t) => t !== nowMs);
      const series = await mapLimit(instants, 3, (t) => ask(month, t));
      if (mine !== seq) return;
      render(month, now, [...series, ...(nowMs > span.start ? [now] : [])]);
    } catch (e) {
      if (mine !== seq) return;
      chart?.destroy();
      chart = undefined;
      replace(
        body,
        notice(
          `Could not load the revenue: ${e instanceof Error ? e.message : String(e)}`,
          'error',
        ),
      );
    }
    body.dataset.state = 'ready';
  }

  function render(month: string, now: Revenue, series: readonly Revenue[]): void {
    const currencies = now.currencies.map((c) => c.currency);
    const currency = currencies.includes(chosen ?? '') ? chosen! : currencies[0];
    const of = (r: Revenue): CurrencyRevenue | undefined =>
      r.currencies.find((c) => c.currency === currency);
    const current = of(now);
    const span = monthSpan(month, now.graceHours);
    // An instant with no bill in the currency (before the fleet had its contracts) knew of nothing.
    const none: CurrencyRevenue = {
      currency: currency ?? '',
      settled: '0',
      provisional: '0',
      held: '0',
      estimated: { p10: '0', p50: '0', p90: '0' },
      adjustmentsPending: '0',
    };
    const points: RevenuePoint[] = series.flatMap((r) => {
      if (currency === undefined) return [];
      const c = of(r) ?? none;
      const total = totalRange(c);
      return [
        {
          at: Date.parse(r.asOf),
          settled: Number(c.settled),
          known: Number(knownMoney(c)),
          low: Number(total.p10),
          likely: Number(total.p50),
          high: Number(total.p90),
        },
      ];
    });
    chart?.destroy();
    const box = h('div', { class: 'chart', id: 'revenue-chart' });
    const picker =
      currencies.length > 1
        ? h(
            'p',
            {},
            h('label', { for: 'revenue-currency' }, 'Currency '),
            h(
              'select',
              {
                id: 'revenue-currency',
                onchange: (e: Event) => {
                  chosen = (e.target as HTMLSelectElement).value;
                  render(month, now, series);
                },
              },
              ...currencies.map((c) => h('option', { value: c, selected: c === currency }, c)),
            ),
          )
        : null;
    const total = current === undefined ? undefined : totalRange(current);
    replace(
      body,
      picker,
      current === undefined || total === undefined
        ? null
        : h(
            'dl',
            { class: 'basis', id: 'revenue-now' },
            h('dt', {}, 'Most likely total'),
            h(
              'dd',
              { 'data-revenue-now': 'total' },
              formatMoney(total.p50, current.currency),
              total.p10 === total.p90
                ? ' (nothing left to estimate)'
                : ` (between ${formatMoney(total.p10, current.currency)} and ${formatMoney(total.p90, current.currency)})`,
            ),
            h('dt', {}, 'Settled'),
            h(
              'dd',
              { 'data-revenue-now': 'settled' },
              formatMoney(current.settled, current.currency),
            ),
            h('dt', {}, 'Provisional'),
            h('dd', {}, formatMoney(current.provisional, current.currency)),
            h('dt', {}, 'Held'),
            h('dd', {}, formatMoney(current.held, current.currency)),
            h('dt', {}, 'Adjustments pending'),
            h('dd', {}, formatMoney(current.adjustmentsPending, current.currency)),
          ),
      h(
        'figure',
        { class: 'chart-figure' },
        box,
        h(
          'figcaption',
          {},
          h('p', { id: 'revenue-why', class: 'why' }, whyNotExact(current, month, now.graceHours)),
        ),
      ),
      h(
        'ul',
        { class: 'legend' },
        h('li', {}, h('span', { class: 'swatch swatch-rev-settled' }), 'Settled: invoiced, final'),
        h(
          'li',
          {},
          h('span', { class: 'swatch swatch-rev-known' }),
          'Known: settled, provisional and held bills and pending adjustments',
        ),
        h(
          'li',
          {},
          h('span', { class: 'swatch swatch-rev-band' }),
          'Estimated range of the open periods (1 outcome in 10 below it, 1 in 10 above), the most likely total dashed',
        ),
        h(
          'li',
          {},
          h('span', { class: 'swatch swatch-rev-grace' }),
          `Grace window: ${now.graceHours} hours after the month ends, late readings are awaited before settling`,
        ),
      ),
      h(
        'details',
        {},
        h('summary', {}, `Figures by day (${points.length})`),
        scrollBox(
          table(
            `Revenue of ${month} over time (UTC)`,
            ['As of (UTC)', 'Settled', 'Known', 'Most likely', 'Range'],
            series.flatMap((r) => {
              const c = of(r);
              if (c === undefined)
                return [[UTC_DAY.format(Date.parse(r.asOf)), 'no bill yet', '', '', '']];
              const t = totalRange(c);
              return [
                [
                  UTC_DAY.format(Date.parse(r.asOf)),
                  formatMoney(c.settled, c.currency),
                  formatMoney(knownMoney(c), c.currency),
                  formatMoney(t.p50, c.currency),
                  `${formatMoney(t.p10, c.currency)} – ${formatMoney(t.p90, c.currency)}`,
                ],
              ];
            }),
            { numeric: [1, 2, 3, 4] },
          ),
        ),
      ),
    );
    chart = createRevenueChart(box);
    chart.update(span, points, currency ?? '');
  }

  return { show };
}
