// npm run bench:estimate — how close is the estimate of an open period (docs/design.md §5:
// measured so far plus the 7-day baseline projection) to the bill later settled? Simulated
// households (the simulators' load profiles, one in five with solar export), several months of 2026
// in Europe/Paris including both DST changes, priced with the docs/design.md §5 time-of-use tariff
// by the pure billing functions on readings held in memory: no services. Deterministic per
// BENCH_SEED. BENCH_METERS resizes it (default 200 per month). The last line printed is one JSON
// object: the error distribution, in percent.
import { estimatedBill, measuredBill, type PeriodBill } from '../src/billing/bills/period-bill.js';
import { tariffSchema } from '../src/billing/tariff-schema.js';
import type { Reading } from '../src/readings/reading.js';
import { DESIGN_TARIFF } from '../test/support/design-tariff.js';
import {
  DAY_MS,
  localMonth,
  meterReadings,
  readingsWindow,
  simulatedFleet,
  TZ,
  type Month,
} from './billing-fleet.js';

const METERS = Number(process.env.BENCH_METERS ?? 200);
const SEED = Number(process.env.BENCH_SEED ?? 20260315);
// March: spring DST change and the steepest seasonal decline; July: the most solar export;
// October: the autumn DST change (a 25-hour day); December: the winter peak, consumption
// rising through the month.
const MONTHS: readonly Month[] = [
  localMonth(2026, 3),
  localMonth(2026, 7),
  localMonth(2026, 10),
  localMonth(2026, 12),
];
const QUARTER_MS = 15 * 60_000;
/**
 * The estimate's read window reaches this far before the period start: the
 * baseline of docs/design.md §5.
 */
const BASELINE_MS = 7 * DAY_MS;
const TARIFF = tariffSchema.parse(DESIGN_TARIFF);
/**
 * Export credit per kWh with VAT (VAT applies to the credit line too, docs/design.md §5 rule
 * 4): for the what-if below.
 */
const CREDIT_PER_KWH =
  Number(DESIGN_TARIFF.versions[0].exportRate) *
  (1 + Number(DESIGN_TARIFF.versions[0].taxes[1].percent) / 100);
const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** One meter-month: the estimate at mid-period against the settled bill. */
interface Sample {
  readonly month: string;
  readonly meterId: string;
  readonly solar: boolean;
  /** (estimate − settled) / |settled|, percent: positive when the estimate was too high. */
  readonly signedPct: number;
  /** estimate − settled, EUR. */
  readonly eur: number;
  /** The settled total, EUR: near zero for a home that exports about as much as it buys. */
  readonly settled: number;
  /**
   * What-if: signedPct had the projection also credited export at the
   * baseline's average export power.
   */
  readonly exportAwarePct: number;
  /** Projected import against the import actually measured over the same second half, percent. */
  readonly importPct: number;
  /**
   * Exported kWh of the second half, which the projection leaves out (it ignores baseline export).
   */
  readonly lateExportKwh: number;
}

const total = (b: PeriodBill) => Number(b.bill.total);

/**
 * The estimate made at `now` and the settled bill of one meter's period, from its readings
 * (ascending, covering the baseline week before the period and at least one reading after its
 * end). Each sees what billing would read: the estimate `[start − 7 d, now]` as known at
 * `now` (bill-status.ts), the settlement `[start, end]`, both with the nearest readings
 * either side (read-meters.ts).
 */
function estimateAndSettle(
  readings: readonly Reading[],
  meterId: string,
  period: Month,
  now: number,
): { estimate: PeriodBill; settled: PeriodBill } {
  const range = { start: period.start, end: period.end };
  const known = readings.filter((r) => r.ts <= now);
  const estimate = estimatedBill(
    {
      tariff: TARIFF,
      tz: TZ,
      period: range,
      meters: [
        {
          meterId,
          readings: readingsWindow(known, period.start - BASELINE_MS, Math.min(period.end, now)),
        },
      ],
    },
    now,
  );
  const settled = measuredBill({
    tariff: TARIFF,
    tz: TZ,
    period: range,
    meters: [{ meterId, readings: readingsWindow(readings, period.start, period.end) }],
  });
  if (settled.meterIdsWithoutEnd.length > 0)
    throw new Error(`${meterId} ${period.label}: no end reading`);
  if (
    estimate.basis.method !== 'household-bootstrap' &&
    estimate.basis.method !== 'fleet-bootstrap'
  )
    throw new Error(`${meterId} ${period.label}: estimate method ${estimate.basis.method}`);
  return { estimate, settled };
}

/** The registers of `readings` at `t` (a reading lies on every quarter hour here). */
function registersAt(readings: readonly Reading[], t: number): Reading {
  const r = readings.find((x) => x.ts === t);
  if (r === undefined) throw new Error(`no reading at ${new Date(t).toISOString()}`);
  return r;
}

function sampleMonth(period: Month): Sample[] {
  // Mid-period, on the quarter-hour grid the readings follow (every month here has a
  // whole number of half hours).
  const now = period.start + Math.floor((period.end - period.start) / 2 / QUARTER_MS) * QUARTER_MS;
  const fleet = simulatedFleet(METERS, SEED, 'est-', Date.UTC(2026, 0, 1));
  return fleet.map((meter) => {
    const readings = meterReadings(meter, period.start - BASELINE_MS - DAY_MS, period.end + DAY_MS);
    const { estimate, settled } = estimateAndSettle(readings, meter.meterId, period, now);
    const lateImportWh = settled.basis.measuredImportWh - estimate.basis.measuredImportWh;
    const [atBaseline, atNow, atEnd] = [
      registersAt(readings, now - BASELINE_MS),
      registersAt(readings, now),
      registersAt(readings, period.end),
    ];
    // The projection ignores export; crediting the baseline week's export, scaled to the time
    // left, shows what that costs.
    const projectedExportKwh =
      (((atNow.exportWh ?? 0) - (atBaseline.exportWh ?? 0)) / 1000) *
      ((period.end - now) / BASELINE_MS);
    const settledTotal = Math.abs(total(settled));
    return {
      month: period.label,
      meterId: meter.meterId,
      solar: meter.solar,
      signedPct: ((total(estimate) - total(settled)) / settledTotal) * 100,
      eur: total(estimate) - total(settled),
      settled: total(settled),
      exportAwarePct:
        ((total(estimate) - projectedExportKwh * CREDIT_PER_KWH - total(settled)) / settledTotal) *
        100,
      importPct:
        lateImportWh === 0
          ? 0
          : ((estimate.basis.projectedImportWh - lateImportWh) / lateImportWh) * 100,
      lateExportKwh: ((atEnd.exportWh ?? 0) - (atNow.exportWh ?? 0)) / 1000,
    };
  });
}

/** Nearest-rank percentile of ascending `xs`. */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))]!;
}

const sortedAbs = (xs: readonly Sample[], f: (s: Sample) => number) =>
  xs.map((s) => Math.abs(f(s))).sort((a, b) => a - b);
const pct = (x: number) => `${x.toFixed(1)} %`.padStart(8);
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

const COLUMNS = ['n', 'median', 'p90', 'max', 'mean±', '€ p90', 'imp.p90', 'expKWh', 'w/exp p90'];

/** One line of the distribution (columns as in COLUMNS). */
function row(label: string, xs: readonly Sample[]): string {
  const abs = sortedAbs(xs, (s) => s.signedPct);
  const cells = [
    String(xs.length),
    pct(percentile(abs, 50)),
    pct(percentile(abs, 90)),
    pct(abs.at(-1) ?? Number.NaN),
    pct(mean(xs.map((s) => s.signedPct))),
    percentile(
      sortedAbs(xs, (s) => s.eur),
      90,
    ).toFixed(2),
    pct(
      percentile(
        sortedAbs(xs, (s) => s.importPct),
        90,
      ),
    ),
    mean(xs.map((s) => s.lateExportKwh)).toFixed(1),
    pct(
      percentile(
        sortedAbs(xs, (s) => s.exportAwarePct),
        90,
      ),
    ),
  ];
  return `${label.padEnd(18)}${cells.map((c, i) => c.trim().padStart(Math.max(9, COLUMNS[i]!.length + 2))).join('')}`;
}

function main(): void {
  log(
    `bench:estimate: ${METERS} simulated meters x ${MONTHS.length} months (${MONTHS.map((m) => m.label).join(', ')}), ${TZ}, estimate at mid-period, seed ${SEED}`,
  );
  const t0 = performance.now();
  const samples = MONTHS.flatMap(sampleMonth);
  const seconds = (performance.now() - t0) / 1000;
  log(
    `priced ${samples.length} estimates and ${samples.length} settled bills in ${seconds.toFixed(1)} s`,
  );
  log('');
  log(
    `${'|total error| %'.padEnd(18)}${COLUMNS.map((c) => c.padStart(Math.max(9, c.length + 2))).join('')}`,
  );
  for (const m of MONTHS) {
    const inMonth = samples.filter((s) => s.month === m.label);
    log(
      row(
        `${m.label} no solar`,
        inMonth.filter((s) => !s.solar),
      ),
    );
    log(
      row(
        `${m.label} solar`,
        inMonth.filter((s) => s.solar),
      ),
    );
  }
  log(
    row(
      'all no solar',
      samples.filter((s) => !s.solar),
    ),
  );
  log(
    row(
      'all solar',
      samples.filter((s) => s.solar),
    ),
  );
  log(row('all', samples));
  log(
    'mean± = mean signed error (+: estimate too high); € p90 = |estimate − settled| in EUR; imp.p90 = |projected −',
  );
  log(
    'measured| import of the second half; expKWh = mean export of the second half, which the projection leaves out;',
  );
  log(
    "w/exp p90 = what-if: the estimate also credits the baseline week's export power over the time left",
  );
  const worst = [...samples]
    .sort((a, b) => Math.abs(b.signedPct) - Math.abs(a.signedPct))
    .slice(0, 5);
  log(
    `worst: ${worst.map((s) => `${s.meterId} ${s.month}${s.solar ? ' solar' : ''} ${s.signedPct.toFixed(0)} % (${s.eur.toFixed(2)} on ${s.settled.toFixed(2)} EUR)`).join('; ')}`,
  );

  const abs = sortedAbs(samples, (s) => s.signedPct);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  log(
    JSON.stringify({
      meters: samples.length,
      medianAbsPctError: r2(percentile(abs, 50)),
      p90AbsPctError: r2(percentile(abs, 90)),
    }),
  );
}

main();
