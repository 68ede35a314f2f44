import type { MeterAccess } from '../../fleet/meters-repo.js';
import { checkReadings, type MeterRules } from '../../ingest/plausibility.js';
import type { RejectionReason } from '../../ingest/rejection.js';
import { AppError } from '../../shared/app-error.js';
import type { Reading, ReadingWindow } from '../reading.js';

/** The maximum power of a meter that declares none, when the deployment configures none. */
export const DEFAULT_MAX_POWER_W = 100_000;

/**
 * The rules a reading taken by a person is checked by: the meter's own (installation, removal,
 * maximum power, where its register wraps, the dip it tolerates), except that a value below the
 * index is never taken for a restarted counter. A person may misread or mistype a digit; only the
 * meter itself can say that its counter restarted.
 */
export function peopleRules(meter: MeterAccess, defaultMaxPowerW: number): MeterRules {
  return {
    installedAt: meter.installedAt,
    maxPowerW: meter.maxPowerW ?? defaultMaxPowerW,
    removedAt: meter.removedAt,
    counter: {
      counterResets: 'reject',
      registerMaxWh: meter.registerMaxWh,
      decreaseToleranceWh: meter.decreaseToleranceWh,
    },
  };
}

/**
 * What a customer is told when its reading is refused below consent `interval`: the reason, but
 * none of the stored readings around it (their values and times are the load curve the consent
 * withholds, and submitting readings must not become a way to probe it).
 */
const WITHOUT_NEIGHBOURS: Partial<Record<RejectionReason, string>> = {
  register_decrease: 'the index is below one the meter reported earlier',
  implausible_jump:
    "the index implies more power since (or until) the meter's neighbouring reading than the meter's maximum",
  conflicting_duplicate: 'a different reading is stored for that instant',
};

/** A checked reading: to store, or already stored (the same sample at the same instant). */
export type Checked =
  | { readonly kind: 'new'; readonly reading: Reading }
  | { readonly kind: 'stored'; readonly reading: Reading };

/**
 * A reading taken by a person checked like any reading against the meter's stored readings around
 * it (`window` around `r.ts`, without the reading a correction replaces): not ahead of the clock by
 * more than 5 minutes, not before installation or after removal, not below its neighbours, not
 * implying more than the meter's maximum power. Answers the reading to store, on the meter's
 * continuous index (its spans joined); or, when the same sample is stored at that instant already,
 * the stored one.
 *
 * @throws AppError `unprocessable` (422) naming the rejection reason, or `conflict` (409,
 *   `conflicting_duplicate`) when another reading is stored at that instant.
 */
export function checkPeopleReading(
  rules: MeterRules,
  window: ReadingWindow | undefined,
  r: Reading,
  opts: { readonly hideNeighbours: boolean },
): Checked {
  const known = [window?.before, ...(window?.inside ?? []), window?.after].filter(
    (x): x is Reading => x !== undefined,
  );
  const outcome = checkReadings(rules, known, [r]);
  const accepted = outcome.accepted[0];
  if (accepted !== undefined) return { kind: 'new', reading: accepted };
  const same = known.find((k) => k.ts === r.ts);
  if (outcome.duplicates.length > 0 && same !== undefined) return { kind: 'stored', reading: same };
  const verdict = outcome.rejected[0];
  const reason = verdict?.reason ?? 'register_decrease';
  const detail =
    (opts.hideNeighbours ? WITHOUT_NEIGHBOURS[reason] : undefined) ?? verdict?.detail ?? reason;
  throw new AppError(
    reason === 'conflicting_duplicate' ? 'conflict' : 'unprocessable',
    `the reading cannot be taken: ${detail}`,
    { reason },
  );
}
