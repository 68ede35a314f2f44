import { h } from '../shared/dom.js';
import type { Quality } from '../shared/types.js';

const QUALITY_TEXT: Record<Quality, string> = {
  measured: 'Measured',
  interpolated: 'Interpolated: part of it lies in a gap of more than an hour between readings',
  'self-read': 'Self-read: rests on an index you entered',
  manual: 'Manual: rests on an index our staff entered or corrected',
  partial: 'Partial: runs past the latest reading, so it covers up to that reading',
  missing: 'Missing: no reading before it',
};

/** The chart's legend: the swatch of each quality, with what it means. */
export function qualityLegend(): HTMLUListElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...(['measured', 'interpolated', 'self-read', 'manual', 'partial', 'missing'] as const).map(
      (q) =>
        h(
          'li',
          {},
          h('span', { class: `swatch swatch-${q}`, 'aria-hidden': 'true' }),
          QUALITY_TEXT[q],
        ),
    ),
  );
}
