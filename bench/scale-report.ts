// Part of bench:scale: what one fleet size measured, and the table that shows the sizes side by side.

/** Figures of one fleet size: the keys bench:scale's JSON line promises first, then extras. */
export interface SizeResult {
  readonly meters: number;
  /** Readings/s through Mosquitto and one ingest process into InfluxDB. */
  readonly ingestRate: number;
  readonly apiColdP99Ms: number;
  readonly apiWarmP99Ms: number;
  /** Contracts/s settled by one jobs process, then by two at once. */
  readonly settlePerSec: number;
  readonly settlePerSec2: number;
  readonly summaryMs: number;
  /** The largest peak RSS of the wattledger processes (api, ingest, jobs), MB. */
  readonly peakRssMb: number;
  readonly revenueMs: number;
  readonly apiRssMb: number;
  readonly ingestRssMb: number;
  readonly jobsRssMb: number;
  readonly influxRssMb: number;
  readonly influxSeries: number;
  /** Series entries of InfluxDB's shards together: each shard indexes the series it holds. */
  readonly influxShardSeries: number;
  readonly ingestCpuUsPerReading: number;
  readonly ingestFirstRoundRate: number;
  readonly apiColdReqPerSec: number;
  readonly apiWarmReqPerSec: number;
  readonly apiMetersRead: number;
  readonly apiWarmCacheHitRatio: number;
  readonly apiCacheMb: number;
  readonly settleSeconds: number;
  readonly settleSeconds2: number;
  readonly settledBy2: readonly number[];
  /**
   * Jobs processes' peak RSS settling, and summarising days; jobsRssMb is the largest, the valuing
   * after a settlement run included.
   */
  readonly jobsSettleRssMb: number;
  readonly jobsSummariseRssMb: number;
  /** How long one jobs process took to summarise the whole history's days. */
  readonly summariseSeconds: number;
  /** How the one jobs process's valuing of the open month after its run ended, and when. */
  readonly valuingOutcome: string;
  readonly valuingSeconds: number;
  /** Open bills valued per second by that process after its run. */
  readonly valuingPerSec: number;
  readonly historyReadings: number;
  readonly loadSeconds: number;
  readonly sizeSeconds: number;
}

type Row = readonly [label: string, value: (r: SizeResult) => number, unit: string];

const ROWS: readonly Row[] = [
  ['ingest', (r) => r.ingestRate, 'readings/s'],
  ['ingest CPU', (r) => r.ingestCpuUsPerReading, 'µs/reading'],
  ['ingest, first round', (r) => r.ingestFirstRoundRate, 'readings/s'],
  ['API cold p99', (r) => r.apiColdP99Ms, 'ms'],
  ['API cold', (r) => r.apiColdReqPerSec, 'requests/s'],
  ['API warm p99', (r) => r.apiWarmP99Ms, 'ms'],
  ['API warm', (r) => r.apiWarmReqPerSec, 'requests/s'],
  ['settle, 1 process', (r) => r.settlePerSec, 'contracts/s'],
  ['settle, 2 processes', (r) => r.settlePerSec2, 'contracts/s'],
  ['billing summary', (r) => r.summaryMs, 'ms'],
  ['state of revenue', (r) => r.revenueMs, 'ms'],
  ['peak RSS api', (r) => r.apiRssMb, 'MB'],
  ['peak RSS ingest', (r) => r.ingestRssMb, 'MB'],
  ['peak RSS jobs, summarising', (r) => r.jobsSummariseRssMb, 'MB'],
  ['peak RSS jobs, settling', (r) => r.jobsSettleRssMb, 'MB'],
  ['valuing the open month', (r) => r.valuingPerSec, 'bills/s'],
  ['peak RSS jobs, then valuing', (r) => r.jobsRssMb, 'MB'],
  ['peak RSS InfluxDB', (r) => r.influxRssMb, 'MB'],
  ['InfluxDB series', (r) => r.influxSeries, ''],
  ['InfluxDB shard series', (r) => r.influxShardSeries, ''],
  ['history loaded', (r) => r.loadSeconds, 's'],
  ['history summarised', (r) => r.summariseSeconds, 's'],
  ['whole size', (r) => r.sizeSeconds, 's'],
];

const fmt = (x: number) =>
  Number.isInteger(x)
    ? x.toLocaleString('en-US')
    : x.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * One row per figure, one column per size, and the growth from the smallest size to the largest
 * beside the growth of the fleet: a cost per meter that rises shows as growth above it.
 */
export function printTable(results: readonly SizeResult[], out: (line: string) => void): void {
  if (results.length === 0) return;
  const first = results[0]!;
  const last = results.at(-1)!;
  const head = ['', ...results.map((r) => `${fmt(r.meters)} meters`), 'growth', ''];
  const body = ROWS.map(([label, value, unit]) => [
    label,
    ...results.map((r) => fmt(value(r))),
    value(first) === 0 ? '' : `x${fmt(Math.round((value(last) / value(first)) * 100) / 100)}`,
    unit,
  ]);
  const rows = [head, ...body];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) =>
        i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!),
      )
      .join('  ');
  out('');
  out(line(head));
  for (const r of body) out(line(r));
  out(`(fleet growth x${fmt(last.meters / first.meters)})`);
}
