import { ApiProblem, query, type Api } from '../shared/api.js';
import { h, notice, replace } from '../shared/dom.js';
import { formatKwh } from '../shared/format.js';
import { todayIn, type LocalDate } from '../shared/tz.js';
import type { Consumption } from '../shared/types.js';
import { createBarChart, type BarChart } from './chart.js';
import { consumptionTable } from './consumption-table.js';
import { qualityLegend } from './quality-legend.js';
import {
  bucketLabel,
  bucketName,
  hasNext,
  hasPrevious,
  requestSpan,
  spanTitle,
  stepAnchor,
  VIEWS,
  type View,
} from './views.js';

/** What the consumption section needs to know about the contract. */
export interface ConsumptionContext {
  readonly api: Api;
  readonly meterId: string;
  readonly tz: string;
  readonly contractStart: number;
  /** The contract's consent, when the server reports one: the first view shown is one it allows. */
  readonly consent?: string | undefined;
}

/**
 * The consumption section: view buttons (hour, day, month), date navigation in the contract's zone,
 * the bar chart with a quality legend, and the same numbers as a table. A view the API refuses with
 * 403 (e.g. a consent that does not allow that granularity) is disabled,
 * with the API's reason shown.
 */
export function mountConsumption(section: HTMLElement, ctx: ConsumptionContext): () => void {
  let view: View = ctx.consent === 'month' ? 'month' : 'day';
  let anchor: LocalDate = todayIn(ctx.tz, Date.now());
  let seq = 0;
  const refused = new Map<View, string>();

  const buttons = new Map(
    VIEWS.map((v) => [
      v.view,
      h(
        'button',
        { type: 'button', class: 'seg', 'data-view': v.view, onclick: () => select(v.view) },
        v.label,
      ),
    ]),
  );
  const prev = h('button', { type: 'button', class: 'nav', onclick: () => move(-1) }, '‹ Earlier');
  const next = h('button', { type: 'button', class: 'nav', onclick: () => move(1) }, 'Later ›');
  const today = h(
    'button',
    {
      type: 'button',
      class: 'nav',
      onclick: () => {
        anchor = todayIn(ctx.tz, Date.now());
        void load();
      },
    },
    'Today',
  );
  const title = h('h3', { class: 'span-title', id: 'span-title', 'aria-live': 'polite' });
  const status = h('div', { class: 'consumption-status' });
  const chartBox = h('div', { class: 'chart', id: 'consumption-chart' });
  const readout = h('p', { class: 'readout muted', 'aria-hidden': 'true' });
  const totals = h('p', { class: 'totals', id: 'consumption-totals' });
  const tableBox = h('div', { class: 'table-scroll' });
  const legend = qualityLegend();

  const figure = h('figure', { class: 'chart-figure' }, chartBox, h('figcaption', {}, totals));
  section.append(
    h(
      'div',
      { class: 'toolbar' },
      h(
        'div',
        { role: 'group', 'aria-label': 'Consumption view', class: 'segmented' },
        ...buttons.values(),
      ),
      h('div', { class: 'navs', role: 'group', 'aria-label': 'Date' }, prev, today, next),
    ),
    title,
    status,
    figure,
    readout,
    legend,
    h('details', { class: 'numbers' }, h('summary', {}, 'Show the numbers'), tableBox),
  );
  const chart: BarChart = createBarChart(chartBox, readout);

  function select(v: View): void {
    view = v;
    void load();
  }

  function move(dir: -1 | 1): void {
    anchor = stepAnchor(view, anchor, dir);
    void load();
  }

  function syncControls(): void {
    const now = Date.now();
    for (const [v, b] of buttons) {
      b.setAttribute('aria-pressed', String(v === view));
      const why = refused.get(v);
      b.toggleAttribute('disabled', why !== undefined && v !== view);
      if (why === undefined) b.removeAttribute('title');
      else b.title = why;
    }
    const span = VIEWS.find((x) => x.view === view)?.span ?? 'span';
    prev.setAttribute('aria-label', `Earlier ${span}`);
    next.setAttribute('aria-label', `Later ${span}`);
    prev.disabled = !hasPrevious(view, anchor, ctx.tz, ctx.contractStart);
    next.disabled = !hasNext(view, anchor, ctx.tz, now);
    title.textContent = spanTitle(view, anchor);
    section.dataset.view = view;
  }

  async function load(): Promise<void> {
    const mine = ++seq;
    syncControls();
    section.dataset.state = 'loading';
    const span = requestSpan(view, anchor, ctx.tz, Date.now());
    if (span === undefined) return show(undefined, 'Nothing to show yet for this date.');
    try {
      const q = query({
        from: new Date(span.from).toISOString(),
        to: new Date(span.to).toISOString(),
        groupBy: view,
        tz: ctx.tz,
      });
      const data = await ctx.api.get<Consumption>(
        `/v1/meters/${encodeURIComponent(ctx.meterId)}/consumption${q}`,
      );
      if (mine === seq) show(data);
    } catch (e) {
      if (mine !== seq) return;
      if (e instanceof ApiProblem && e.status === 403) {
        refused.set(view, e.detail);
        syncControls();
        const hint =
          e.code === 'consent_required' ? ' You can change what you allow under “Your data”.' : '';
        return show(undefined, `This view is not available: ${e.detail}.${hint}`, 'refused');
      }
      show(
        undefined,
        `Could not load your consumption: ${e instanceof Error ? e.message : String(e)}`,
        'error',
      );
    }
  }

  function show(
    data: Consumption | undefined,
    message?: string,
    state: 'ready' | 'error' | 'refused' = 'ready',
  ): void {
    replace(
      status,
      message === undefined ? null : notice(message, state === 'ready' ? 'info' : 'error'),
    );
    const buckets = data?.buckets ?? [];
    // No empty axes when there is nothing to draw (a refused view, an error).
    figure.hidden = buckets.length === 0;
    chart.update(
      buckets.map((b) => ({
        label: bucketLabel(view, Date.parse(b.start), ctx.tz),
        name: bucketName(view, Date.parse(b.start), Date.parse(b.end), ctx.tz),
        wh: b.importWh,
        quality: b.quality,
      })),
    );
    chartBox.setAttribute('role', 'img');
    chartBox.setAttribute(
      'aria-label',
      `Bar chart of consumption per ${view}, ${title.textContent ?? ''}. The numbers are in the table below.`,
    );
    const exported = data?.totals.exportWh ?? 0;
    totals.textContent =
      data === undefined
        ? ''
        : `Total ${formatKwh(data.totals.importWh)} used${exported > 0 ? `, ${formatKwh(exported)} exported` : ''}`;
    replace(tableBox, consumptionTable(view, buckets, ctx.tz));
    section.dataset.state = state;
  }

  void load();
  return () => chart.destroy();
}
