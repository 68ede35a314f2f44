import type { Residual } from './residual-bootstrap.js';

/**
 * The fleet's daily residuals, relative: each a day's import and export deviation per kWh of that
 * household's mean daily import and export. A household without two weeks of its own history
 * borrows them, scaled to its own projected level (docs/estimates.md).
 */
export interface FleetResiduals {
  readonly residuals: readonly Residual[];
  /** Where they come from: `prior` (built in) or `fleet` (measured on the fleet's households). */
  readonly origin: 'prior' | 'fleet';
}

/** Days of the built-in prior. */
const PRIOR_DAYS = 56;

/**
 * The built-in prior: a fixed pseudo-random sequence with a daily import deviation of 17 % and an
 * export deviation of 75 % of the household's level (sunny and cloudy days), correlated −0.35 (a
 * sunny day is also one of less import): what the simulated households of bench:estimate show
 * over four-week windows of 2026. Deterministic: the same prior on every process.
 */
export function priorFleetResiduals(): FleetResiduals {
  let a = 0x9e3779b9;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
  };
  // Box–Muller: two independent standard normals per draw.
  const normals = () => {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    return [r * Math.cos(th), r * Math.sin(th)] as const;
  };
  const z = Array.from({ length: PRIOR_DAYS }, normals);
  // Standardised exactly (mean 0, deviation 1), so the prior is what its description says.
  const standard = (xs: number[]) => {
    const m = xs.reduce((acc, x) => acc + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((acc, x) => acc + (x - m) ** 2, 0) / xs.length);
    return xs.map((x) => (x - m) / sd);
  };
  const z1 = standard(z.map(([x]) => x));
  const z2 = standard(z.map(([, y]) => y));
  const rho = -0.35;
  const residuals: Residual[] = z1.map((x, i) => ({
    importKwh: 0.17 * x,
    exportKwh: 0.75 * (rho * x + Math.sqrt(1 - rho * rho) * z2[i]!),
  }));
  return { residuals, origin: 'prior' };
}
