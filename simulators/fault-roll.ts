import type { FaultKind, FaultRates } from './injected-faults.js';
import { hashUnit } from './prng.js';

const KIND_SALT: Record<FaultKind, number> = {
  duplicate: 11,
  outOfOrder: 12,
  late: 13,
  malformed: 14,
  registerDecrease: 15,
  clockSkew: 16,
};

/**
 * Whether a reading gets a fault of `kind`: a hash of (seed, kind, meter, ts) under the
 * kind's rate, so the same run injects the same faults however the simulation loop
 * groups its work. Answers a second draw in [0, 1) of the same hash family, to size the
 * fault, or undefined for none.
 */
export function faultRoll(
  rates: FaultRates,
  seed: number,
): (kind: FaultKind, meterHash: number, ts: number) => number | undefined {
  return (kind, meterHash, ts) => {
    const rate = rates[kind] ?? 0;
    if (rate <= 0) return undefined;
    const u = hashUnit(seed, KIND_SALT[kind], meterHash, ts);
    return u < rate ? hashUnit(seed, KIND_SALT[kind] + 100, meterHash, ts) : undefined;
  };
}
