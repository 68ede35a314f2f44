import { h, table } from '../shared/dom.js';
import { formatKwh } from '../shared/format.js';
import type { Bucket } from '../shared/types.js';
import { bucketName, type View } from './views.js';

/**
 * The chart's numbers as a table: one row per bucket, with an export column when there is export.
 */
export function consumptionTable(
  view: View,
  buckets: readonly Bucket[],
  tz: string,
): HTMLTableElement {
  const withExport = buckets.some((b) => (b.exportWh ?? 0) > 0);
  return table(
    `Consumption per ${view}`,
    ['Period', 'Used', ...(withExport ? ['Exported'] : []), 'Quality'],
    buckets.map((b) => [
      bucketName(view, Date.parse(b.start), Date.parse(b.end), tz),
      b.importWh === null ? '—' : formatKwh(b.importWh),
      ...(withExport ? [b.exportWh === null ? '—' : formatKwh(b.exportWh)] : []),
      h('span', { class: `q q-${b.quality}` }, b.quality),
    ]),
    { numeric: withExport ? [1, 2] : [1] },
  );
}
