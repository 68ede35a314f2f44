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
 * The built-in prior, used until the fleet's own residuals are known: a fixed pseudo-random
 * sequence with a daily import deviation of 15 % and an export deviation of 45 % (sunny and cloudy
 * days), negatively correlated (a sunny day is also one of less import), the orders of size the
 * simulated households show. Deterministic: the same prior on every process.
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
  const residuals: Residual[] = [];
  for (let i = 0; i < PRIOR_DAYS; i++) {
    const [z1, z2] = normals();
    const rho = -0.4;
    residuals.push({
      importKwh: 0.15 * z1,
      exportKwh: 0.45 * (rho * z1 + Math.sqrt(1 - rho * rho) * z2),
    });
  }
  return { residuals, origin: 'prior' };
}
