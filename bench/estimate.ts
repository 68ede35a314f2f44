// npm run bench:estimate — how close is the estimate of an open period to the bill later settled,
// and does its p10–p90 range hold the settled total as often as it says (8 bills in 10)?
// Simulated households (the simulators' load profiles, one in five with solar export), installed
// on 1 January 2025 so a year of history exists, four months of 2026 in Europe/Paris including
// both DST changes, priced with the docs/design.md §5 time-of-use tariff. Each estimate is the one
// the bill route would have answered at the end of day 3, 10, 15 and 25 of the period, from the
// readings received by then, through the same code over an in-memory store (estimate-fleet.ts);
// the settled bill is the measured bill of the whole period. Then the state of revenue of a
// fleet of contracts is timed over HTTP (estimate-revenue.ts). Deterministic per BENCH_SEED;
// BENCH_METERS resizes the fleet (default 200 households), BENCH_CONSENT sets its consent,
// BENCH_LAST_YEAR=0 installs it on 1 January 2026 (no last year), BENCH_REVENUE_CONTRACTS sizes
// the revenue fleet (default 2000, 0 skips it). The last line printed is one JSON object
// (docs/estimates.md).
// First: it loads the app, whose @hono/zod-openapi must extend zod before billing builds schemas.
import { measureRevenue } from './estimate-revenue.js';
import { parseConsent } from '../src/privacy/consent.js';
import { localMonth, TZ, type Month } from './billing-fleet.js';
import {
  absErrors,
  coverage,
  percentile,
  sampleEstimates,
  type EstimateSample,
} from './estimate-fleet.js';

const METERS = Number(process.env.BENCH_METERS ?? 200);
const SEED = Number(process.env.BENCH_SEED ?? 20260315);
const REVENUE_CONTRACTS = Number(process.env.BENCH_REVENUE_CONTRACTS ?? 2000);
const CONSENT = parseConsent(process.env.BENCH_CONSENT ?? 'interval');
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
/** The stages the issue asks about: the estimate as it stood at the end of day d. */
const DAYS = [3, 10, 15, 25] as const;
/** The stage the headline errors are quoted at: mid-period. */
const MID = 15;
const log = (msg: string) => process.stdout.write(`${msg}\n`);

const pct = (x: number) => `${x.toFixed(1)} %`;
const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
const COLUMNS = ['n', 'median', 'p90', 'max', 'mean±', '€ p90', 'width', 'cover80'];

function row(label: string, xs: readonly EstimateSample[]): string {
  const abs = absErrors(xs);
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
    `bench:estimate: ${METERS} simulated households x ${MONTHS.length} months (${MONTHS.map((m) => m.label).join(', ')}), ${TZ}, estimates at the end of day ${DAYS.join(', ')}, consent ${CONSENT}, installed ${new Date(INSTALLED).toISOString().slice(0, 10)}, seed ${SEED}`,
  );
  const t0 = performance.now();
  const samples = await sampleEstimates({
    households: METERS,
    seed: SEED,
    installedAt: INSTALLED,
    months: MONTHS,
    days: DAYS,
    consent: CONSENT,
  });
  log(
    `priced ${samples.length} estimates (each with its p10 and p90 bills) and ${METERS * MONTHS.length} settled bills in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  log('');
  log(
    `${'|total error| %'.padEnd(24)}${COLUMNS.map((c) => c.padStart(Math.max(9, c.length + 2))).join('')}`,
  );
  for (const day of DAYS) {
    const at = samples.filter((s) => s.day === day);
    for (const m of MONTHS) {
      const inMonth = at.filter((s) => s.month === m.label);
      log(
        row(
          `d${day} ${m.label} no solar`,
          inMonth.filter((s) => !s.solar),
        ),
      );
      log(
        row(
          `d${day} ${m.label} solar`,
          inMonth.filter((s) => s.solar),
        ),
      );
    }
    log(
      row(
        `d${day} all no solar`,
        at.filter((s) => !s.solar),
      ),
    );
    log(
      row(
        `d${day} all solar`,
        at.filter((s) => s.solar),
      ),
    );
    log(row(`d${day} all`, at));
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
  const mid = samples.filter((s) => s.day === MID);
  const worst = [...mid].sort((a, b) => Math.abs(b.signedPct) - Math.abs(a.signedPct)).slice(0, 5);
  log(
    `worst at day ${MID}: ${worst.map((s) => `${s.meterId} ${s.month}${s.solar ? ' solar' : ''} ${s.signedPct.toFixed(0)} % (${s.eur.toFixed(2)} on ${s.settled.toFixed(2)} EUR)`).join('; ')}`,
  );

  // The fleet's total, month by month and stage by stage, against the bills' ranges summed as
  // independent (p50s add, deviations in quadrature) and as moving together (deviations add):
  // households share the weather and the season, so their errors are not independent.
  const fleet = MONTHS.flatMap((m) =>
    DAYS.map((day) => {
      const xs = samples.filter((s) => s.month === m.label && s.day === day);
      const settled = xs.reduce((a, s) => a + s.settled, 0);
      const p50 = xs.reduce((a, s) => a + s.p50, 0);
      const dev = (s: EstimateSample) => (settled >= p50 ? s.p90 - s.p50 : s.p50 - s.p10);
      const rss = Math.sqrt(xs.reduce((a, s) => a + dev(s) ** 2, 0));
      const linear = xs.reduce((a, s) => a + dev(s), 0);
      return { label: `${m.label} d${day}`, miss: Math.abs(settled - p50), rss, linear };
    }),
  );
  log(
    `fleet totals within the ranges summed as independent: ${fleet.filter((f) => f.miss <= f.rss).length} of ${fleet.length} (month, day); as moving together: ${fleet.filter((f) => f.miss <= f.linear).length} of ${fleet.length}; error in independent half-widths: ${fleet.map((f) => `${f.label} ${(f.miss / f.rss).toFixed(1)}`).join(', ')}`,
  );

  const revenueMs =
    REVENUE_CONTRACTS > 0 ? await measureRevenue(REVENUE_CONTRACTS, SEED, log) : null;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const byDay = (day: number) => r1(coverage(samples.filter((s) => s.day === day)));
  log(
    JSON.stringify({
      meters: METERS,
      medianAbsPctError: r2(percentile(absErrors(mid), 50)),
      p90AbsPctError: r2(percentile(absErrors(mid), 90)),
      solarP90AbsPctError: r2(percentile(absErrors(mid.filter((s) => s.solar)), 90)),
      coverage80: { day3: byDay(3), day10: byDay(10), day15: byDay(15), day25: byDay(25) },
      revenueMs,
    }),
  );
}

await main();
