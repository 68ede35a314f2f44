import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatKwh } from '../shared/format.js';
import type { Quality } from '../shared/types.js';

/** One bar of the chart. */
export interface ChartBar {
  /** Axis label ("18:00"). */
  readonly label: string;
  /** Full name for the cursor readout ("29 Nov, 18:00 – 19:00"). */
  readonly name: string;
  readonly wh: number | null;
  readonly quality: Quality;
}

/** The chart's colours; the CSS legend uses the same ones (app.css `.swatch-*`). */
const MEASURED = '#1f5fae';
const INTERPOLATED = '#1f5fae';
const PARTIAL = '#a35c00';

/**
 * Diagonal stripes, so interpolated bars differ by more than colour (colour-blind
 * users, greyscale prints).
 */
function stripes(color: string): CanvasPattern | string {
  const c = document.createElement('canvas');
  c.width = 8;
  c.height = 8;
  const g = c.getContext('2d');
  if (g === null) return color;
  g.fillStyle = '#dce8f7';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  for (const o of [-8, 0, 8]) {
    g.moveTo(o, 8);
    g.lineTo(o + 8, 0);
  }
  g.stroke();
  return g.createPattern(c, 'repeat') ?? color;
}

/**
 * A bar chart of consumption buckets, one uPlot series per quality so each
 * is drawn in its own style.
 */
export interface BarChart {
  update(bars: readonly ChartBar[]): void;
  destroy(): void;
}

/**
 * Create the chart in `container`; `readout` shows the bucket under the cursor. uPlot needs pixel
 * sizes, so a ResizeObserver follows the container (phone rotation, window resize).
 */
export function createBarChart(container: HTMLElement, readout: HTMLElement): BarChart {
  let bars: readonly ChartBar[] = [];
  const bar = uPlot.paths.bars?.({ size: [0.72, 48], align: 0 });
  const series = (label: string, fill: uPlot.Series.Fill, stroke: string): uPlot.Series => ({
    label,
    fill,
    stroke,
    width: 1,
    paths: bar,
    points: { show: false },
  });
  const height = () => (container.clientWidth < 500 ? 220 : 300);
  const opts: uPlot.Options = {
    width: Math.max(280, container.clientWidth),
    height: height(),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(bars.length, 1) - 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: '#3b4550',
        grid: { show: false },
        ticks: { show: false },
        splits: (u) => {
          const every = Math.max(
            1,
            Math.ceil(bars.length / Math.max(2, Math.floor(u.bbox.width / devicePixelRatio / 44))),
          );
          return bars.map((_, i) => i).filter((i) => i % every === 0);
        },
        values: (_u, splits) => splits.map((i) => bars[i]?.label ?? ''),
      },
      {
        stroke: '#3b4550',
        grid: { stroke: '#e3e7ec' },
        size: 56,
        values: (_u, splits) =>
          splits.map((v) => (v / 1000).toLocaleString(undefined, { maximumFractionDigits: 2 })),
        label: 'kWh',
        labelSize: 16,
      },
    ],
    series: [
      {},
      series('Measured', MEASURED, MEASURED),
      series('Interpolated', stripes(INTERPOLATED), INTERPOLATED),
      series('Partial', PARTIAL, PARTIAL),
    ],
    hooks: {
      setCursor: [
        (u) => {
          const b =
            u.cursor.idx === null || u.cursor.idx === undefined ? undefined : bars[u.cursor.idx];
          readout.textContent =
            b === undefined
              ? ''
              : `${b.name}: ${b.wh === null ? 'no data' : formatKwh(b.wh)} (${b.quality})`;
        },
      ],
    },
  };
  const plot = new uPlot(opts, [[], [], [], []], container);
  // The canvas repeats the data table next to it; screen readers get the table instead.
  plot.root.setAttribute('aria-hidden', 'true');
  const resize = new ResizeObserver(() =>
    plot.setSize({ width: Math.max(280, container.clientWidth), height: height() }),
  );
  resize.observe(container);

  return {
    update(next) {
      bars = next;
      const pick = (...q: ChartBar['quality'][]) =>
        next.map((b) => (q.includes(b.quality) ? b.wh : null));
      // A value resting on a reading a person took is striped like an interpolated one: not the
      // meter's own measurement (the readout and the table name its quality).
      plot.setData([
        next.map((_, i) => i),
        pick('measured'),
        pick('interpolated', 'self-read', 'manual'),
        pick('partial'),
      ]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
