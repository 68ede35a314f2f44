// npm run bench:estimate — how close is the estimate of an open period to the bill later settled,
// and does its p10–p90 range hold the settled total as often as it says (8 bills in 10)?
// Simulated households (the simulators' load profiles, one in five with solar export), installed
// on 1 January 2025 so a year of history exists, four months of 2026 in Europe/Paris including
// both DST changes, priced with the docs/design.md §5 time-of-use tariff. Each estimate is the one
// the bill route would have answered at the end of day 3, 10, 15 and 25 of the period, from the
// readings received by then, through the same code (`estimatesAsOf`) over an in-memory store; the
// settled bill is the measured bill of the whole period. No services. Deterministic per
// BENCH_SEED; BENCH_METERS resizes it (default 200 households), BENCH_REVENUE_CONTRACTS sizes the
// revenue fleet (default 2000, 0 skips it). The last line printed is one JSON object (docs/estimates.md).
import { DateTime } from 'luxon';
import type { MeterDefinition } from '../simulators/fleet.js';
import { estimatesAsOf } from '../src/billing/accuracy/estimate-as-of.js';
import type { BillView } from '../src/billing/bill-status.js';
import { measuredBill } from '../src/billing/bills/period-bill.js';
import type { BillingContext } from '../src/billing/records/billing-context.js';
import { parseConsent } from '../src/privacy/consent.js';
import { tariffSchema } from '../src/billing/tariff-schema.js';
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
import { simulatedStore } from './estimate-store.js';
import { measureRevenue } from './estimate-revenue.js';

const METERS = Number(process.env.BENCH_METERS ?? 200);
const SEED = Number(process.env.BENCH_SEED ?? 20260315);
const REVENUE_CONTRACTS = Number(process.env.BENCH_REVENUE_CONTRACTS ?? 2000);
/** The households' consent (default `interval`; `day` and `month` estimate on less, docs/privacy.md). */
const CONSENT = parseConsent(process.env.BENCH_CONSENT ?? 'interval');
/**
 * A year before the first month's history, so the seasonal correction has last year to go on;
 * BENCH_LAST_YEAR=0 installs the fleet on 1 January 2026 instead (no last year: `recent-weeks`).
 */
const INSTALLED = process.env.BENCH_LAST_YEAR === '0' ? Date.UTC(2026, 0, 1) : Date.UTC(2025, 0, 1);
// March: spring DST change and the steepest seasonal decline; July: the most solar export;
// October: the autumn DST change (a 25-hour day); December: the winter peak, consumption
// rising through the month.
const MONTHS: readonly Month[] = [
  localMonth(2026, 3),
  localMonth(2026, 7),
  localMonth(2026, 10),
  localMonth(2026, 12),
];
/** The stages of the period the issue asks about: the estimate as it stood at the end of day d. */
const STAGES = [3, 10, 15, 25] as const;
type Stage = (typeof STAGES)[number];
/** The stage the headline errors are quoted at: mid-period. */
const MID: Stage = 15;
/** Reading window around a month: the estimate's four weeks of history and the end reading. */
const BEFORE_MS = 33 * DAY_MS;
const TARIFF = tariffSchema.parse(DESIGN_TARIFF);
const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** One estimate against its settled bill. */
interface Sample {
  readonly month: string;
  readonly meterId: string;
  readonly solar: boolean;
  readonly stage: Stage;
  /** (estimate − settled) / |settled|, percent: positive when the estimate was too high. */
  readonly signedPct: number;
  readonly eur: number;
  readonly settled: number;
  /** The settled total lies within p10–p90. */
  readonly covered: boolean;
  /** (p90 − p10) / |p50|, percent. */
  readonly widthPct: number;
  readonly method: string;
  readonly projection: string;
}

/** The end of local day `d` of `period` (the start of day d + 1). */
function endOfDay(period: Month, d: number): number {
  return DateTime.fromMillis(period.start, { zone: TZ }).plus({ days: d }).toMillis();
}

const contextOf = (meter: MeterDefinition): BillingContext => ({
  contractId: meter.meterId,
  customerId: `cus-${meter.meterId}`,
  tariffId: 'bench',
  tariff: TARIFF,
  timezone: TZ,
  consent: CONSENT,
  startsAt: INSTALLED,
  endsAt: null,
  meterIds: [meter.meterId],
});

async function sampleMeter(meter: MeterDefinition): Promise<Sample[]> {
  const out: Sample[] = [];
  const ctx = contextOf(meter);
  for (const month of MONTHS) {
    const readings = meterReadings(meter, month.start - BEFORE_MS, month.end + DAY_MS);
    const store = simulatedStore(meter, readings);
    const period = { start: month.start, end: month.end };
    const settled = measuredBill({
      tariff: TARIFF,
      tz: TZ,
      period,
      meters: [
        { meterId: meter.meterId, readings: readingsWindow(readings, month.start, month.end) },
      ],
    });
    if (settled.meterIdsWithoutEnd.length > 0)
      throw new Error(`${meter.meterId} ${month.label}: no end reading`);
    const s = Number(settled.bill.total);
    for (const stage of STAGES) {
      const at = endOfDay(month, stage);
      const view: BillView | undefined = (await estimatesAsOf(store, [{ ctx, period }], at)).get(
        ctx.contractId,
      );
      if (view?.estimate === undefined)
        throw new Error(`${meter.meterId} ${month.label} day ${stage}: no estimate`);
      const e = Number(view.total);
      const [p10, p90] = [Number(view.estimate.p10), Number(view.estimate.p90)];
      out.push({
        month: month.label,
        meterId: meter.meterId,
        solar: meter.solar,
        stage,
        signedPct: ((e - s) / Math.abs(s)) * 100,
        eur: e - s,
        settled: s,
        covered: s >= p10 && s <= p90,
        widthPct: ((p90 - p10) / Math.abs(e)) * 100,
        method: view.basis.method,
        projection: view.basis.projection ?? 'none',
      });
    }
  }
  return out;
}

/** Nearest-rank percentile of ascending `xs`. */
function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))]!;
}
const absSorted = (xs: readonly Sample[]) =>
  xs.map((s) => Math.abs(s.signedPct)).sort((a, b) => a - b);
const coverage = (xs: readonly Sample[]) =>
  (xs.filter((s) => s.covered).length / Math.max(1, xs.length)) * 100;
const pct = (x: number) => `${x.toFixed(1)} %`;
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

const COLUMNS = ['n', 'median', 'p90', 'max', 'mean±', '€ p90', 'width', 'cover80'];

function row(label: string, xs: readonly Sample[]): string {
  const abs = absSorted(xs);
  const cells = [
    String(xs.length),
    pct(percentile(abs, 50)),
    pct(percentile(abs, 90)),
    pct(abs.at(-1) ?? Number.NaN),
    pct(mean(xs.map((s) => s.signedPct))),
    percentile(
      xs.map((s) => Math.abs(s.eur)).sort((a, b) => a - b),
      90,
    ).toFixed(2),
    pct(
      percentile(
        xs.map((s) => s.widthPct).sort((a, b) => a - b),
        50,
      ),
    ),
    pct(coverage(xs)),
  ];
  return `${label.padEnd(24)}${cells.map((c, i) => c.padStart(Math.max(9, COLUMNS[i]!.length + 2))).join('')}`;
}

async function main(): Promise<void> {
  log(
    `bench:estimate: ${METERS} simulated households x ${MONTHS.length} months (${MONTHS.map((m) => m.label).join(', ')}), ${TZ}, estimates at the end of day ${STAGES.join(', ')}, consent ${CONSENT}, seed ${SEED}`,
  );
  const t0 = performance.now();
  const fleet = simulatedFleet(METERS, SEED, 'est-', INSTALLED);
  const samples: Sample[] = [];
  for (const meter of fleet) samples.push(...(await sampleMeter(meter)));
  log(
    `priced ${samples.length} estimates (each with its p10 and p90 bills) and ${fleet.length * MONTHS.length} settled bills in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  log('');
  log(
    `${'|total error| %'.padEnd(24)}${COLUMNS.map((c) => c.padStart(Math.max(9, c.length + 2))).join('')}`,
  );
  for (const stage of STAGES) {
    const at = samples.filter((s) => s.stage === stage);
    for (const m of MONTHS) {
      const inMonth = at.filter((s) => s.month === m.label);
      log(
        row(
          `d${stage} ${m.label} no solar`,
          inMonth.filter((s) => !s.solar),
        ),
      );
      log(
        row(
          `d${stage} ${m.label} solar`,
          inMonth.filter((s) => s.solar),
        ),
      );
    }
    log(
      row(
        `d${stage} all no solar`,
        at.filter((s) => !s.solar),
      ),
    );
    log(
      row(
        `d${stage} all solar`,
        at.filter((s) => s.solar),
      ),
    );
    log(row(`d${stage} all`, at));
    log('');
  }
  log(
    'mean± = mean signed error (+: estimate too high); € p90 = |estimate − settled| in EUR; width = median (p90 − p10) / p50;',
  );
  log('cover80 = share of bills whose settled total lies within p10–p90');
  const methods = new Map<string, number>();
  for (const s of samples) {
    const k = `${s.method}/${s.projection}`;
    methods.set(k, (methods.get(k) ?? 0) + 1);
  }
  log(`methods: ${[...methods].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const mid = samples.filter((s) => s.stage === MID);
  const worst = [...mid].sort((a, b) => Math.abs(b.signedPct) - Math.abs(a.signedPct)).slice(0, 5);
  log(
    `worst at day ${MID}: ${worst.map((s) => `${s.meterId} ${s.month}${s.solar ? ' solar' : ''} ${s.signedPct.toFixed(0)} % (${s.eur.toFixed(2)} on ${s.settled.toFixed(2)} EUR)`).join('; ')}`,
  );

  const revenueMs =
    REVENUE_CONTRACTS > 0 ? await measureRevenue(REVENUE_CONTRACTS, SEED, log) : null;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const byStage = (stage: Stage) => r1(coverage(samples.filter((s) => s.stage === stage)));
  log(
    JSON.stringify({
      meters: fleet.length,
      medianAbsPctError: r2(percentile(absSorted(mid), 50)),
      p90AbsPctError: r2(percentile(absSorted(mid), 90)),
      solarP90AbsPctError: r2(percentile(absSorted(mid.filter((s) => s.solar)), 90)),
      coverage80: {
        day3: byStage(3),
        day10: byStage(10),
        day15: byStage(15),
        day25: byStage(25),
      },
      revenueMs,
    }),
  );
}

await main();
