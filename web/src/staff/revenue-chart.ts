import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MonthSpan } from './revenue-series.js';

/** One instant of the chart, in the currency's units (plotting only: the texts use the strings). */
export interface RevenuePoint {
  readonly at: number;
  readonly settled: number;
  /** Settled, provisional, held and pending adjustments. */
  readonly known: number;
  /** Known plus the estimate's p10, p50, p90. */
  readonly low: number;
  readonly likely: number;
  readonly high: number;
}

/** The chart's colours; the legend in revenue.ts uses the same (app.css `.swatch-rev-*`). */
const SETTLED = '#1f8a43';
const KNOWN = '#0b57a4';
const BAND = '#b07700';
const GRACE = 'rgba(95, 107, 120, 0.14)';

export interface RevenueChart {
  update(span: MonthSpan, points: readonly RevenuePoint[], currency: string): void;
  destroy(): void;
}

/**
 * The month's revenue over time: settled money as a filled area growing from zero, the known part
 * (settled, provisional, held, adjustments) as a line, and the estimated range above it as a band
 * with the most likely total dashed through it, narrowing as the open periods run out. The grace
 * window after the month's end is shaded. Times on the axis are UTC, like the points: contracts of
 * many zones make up the month.
 */
export function createRevenueChart(container: HTMLElement): RevenueChart {
  let span: MonthSpan | undefined;
  let currency = '';
  const height = () => (container.clientWidth < 500 ? 220 : 280);
  // Points are marked while there are few of them: a month's first day, or a fleet just set up.
  let few = true;
  const line = (label: string, stroke: string, o: Partial<uPlot.Series> = {}): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    points: { show: () => few, size: 6, fill: stroke },
    ...o,
  });
  const day = new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
  });
  const opts: uPlot.Options = {
    width: Math.max(280, container.clientWidth),
    height: height(),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      x: {
        time: true,
        range: (_u, min, max) =>
          span === undefined ? [min, max] : [span.start / 1000, span.axisEnd / 1000],
      },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: '#3b4550',
        grid: { stroke: '#e3e7ec' },
        values: (_u, splits) => splits.map((s) => day.format(s * 1000)),
        label: 'UTC',
        labelSize: 16,
      },
      {
        stroke: '#3b4550',
        grid: { stroke: '#e3e7ec' },
        size: 64,
        values: (_u, splits) =>
          splits.map((v) => v.toLocaleString(undefined, { maximumFractionDigits: 0 })),
        label: 'Revenue',
        labelSize: 16,
      },
    ],
    series: [
      {},
      line('Settled', SETTLED, { fill: 'rgba(31, 138, 67, 0.22)' }),
      line('Known', KNOWN),
      line('Low (p10)', BAND, { width: 1 }),
      line('Most likely', BAND, { dash: [8, 5] }),
      line('High (p90)', BAND, { width: 1 }),
    ],
    bands: [{ series: [5, 3], fill: 'rgba(176, 119, 0, 0.16)' }],
    hooks: {
      drawClear: [
        (u) => {
          if (span === undefined) return;
          const x0 = u.valToPos(span.end / 1000, 'x', true);
          const x1 = u.valToPos(span.graceEnd / 1000, 'x', true);
          u.ctx.save();
          u.ctx.fillStyle = GRACE;
          u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
          u.ctx.restore();
        },
      ],
    },
  };
  const plot = new uPlot(opts, [[], [], [], [], [], []], container);
  // The canvas repeats the table beside it; screen readers get the table.
  plot.root.setAttribute('aria-hidden', 'true');
  plot.root.dataset.currency = currency;
  const resize = new ResizeObserver(() =>
    plot.setSize({ width: Math.max(280, container.clientWidth), height: height() }),
  );
  resize.observe(container);
  return {
    update(nextSpan, points, nextCurrency) {
      span = nextSpan;
      currency = nextCurrency;
      few = points.length < 4;
      plot.root.dataset.currency = currency;
      plot.setData([
        points.map((p) => p.at / 1000),
        points.map((p) => p.settled),
        points.map((p) => p.known),
        points.map((p) => p.low),
        points.map((p) => p.likely),
        points.map((p) => p.high),
      ]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
