import type { Principal } from '../../auth/principal.js';
import { actorOf } from '../../audit/audit-log.js';
import { getMeter } from '../../fleet/meters-repo.js';
import { visibilityOf } from '../../fleet/visibility.js';
import { AppError } from '../../shared/app-error.js';
import { fromStore } from '../from-store.js';
import type { Reading } from '../reading.js';
import { latestManualEntryAt } from './manual-readings-repo.js';
import type { PeopleReadingInput } from './manual-schemas.js';
import { checkPeopleReading, DEFAULT_MAX_POWER_W, peopleRules } from './people-reading-check.js';
import { recordPeopleReading, type ManualReadingDeps } from './record-people-reading.js';

/**
 * Enter a reading taken by a person (`POST /v1/meters/{id}/readings`): a customer's self-read of one
 * of its own meters (`source` `customer`), or a reading staff took (`staff`). It is checked like any
 * reading against the stored ones around it, stored with who took it, and recorded in the ledger
 * (note, who, when), the audit log and the readings change feed. A request sent again (same
 * instant, same values, same source) answers the reading stored the first time.
 *
 * @throws AppError `not_found` (a meter the caller may not see), `unprocessable` (a rejection
 *   reason: `future_timestamp`, `before_installation`, `after_removal`, `register_decrease`,
 *   `implausible_jump`), `conflict` (`conflicting_duplicate`), `store_unavailable`.
 */
export async function enterReading(
  deps: ManualReadingDeps,
  who: Principal,
  meterId: string,
  input: PeopleReadingInput,
): Promise<Reading> {
  const meter = await getMeter(deps.db, visibilityOf(who), meterId);
  const source = who.role === 'customer' ? 'customer' : 'staff';
  const now = deps.clock.now();
  const candidate: Reading = {
    meterId: meter.id,
    ts: input.ts,
    importWh: input.importWh,
    ...(input.exportWh === undefined ? {} : { exportWh: input.exportWh }),
    receivedAt: now,
    source,
  };
  const window = (
    await fromStore(
      "the meter's readings",
      deps.store.windows([{ meterId: meter.id, from: input.ts, to: input.ts }]),
    )
  ).get(meter.id);
  const checked = checkPeopleReading(
    peopleRules(meter, deps.defaultMaxPowerW ?? DEFAULT_MAX_POWER_W),
    window,
    candidate,
    { hideNeighbours: who.role === 'customer' && meter.consent !== 'interval' },
  );
  if (checked.kind === 'stored') {
    // The same reading again: the first request's answer was lost, or its entry was not recorded.
    if (checked.reading.source !== source)
      throw new AppError(
        'conflict',
        `a reading ${checked.reading.source === undefined ? 'the meter sent' : `by ${checked.reading.source}`} is stored for that instant already`,
        { reason: 'conflicting_duplicate' },
      );
    const entry = await latestManualEntryAt(deps.db, meter.id, input.ts, 'reading');
    if (entry !== undefined && entry.source === source) return checked.reading;
  }
  const stored = checked.reading;
  await recordPeopleReading(deps, {
    reading: stored,
    alreadyStored: checked.kind === 'stored',
    window,
    entry: {
      meterId: meter.id,
      ts: input.ts,
      kind: 'reading',
      source,
      importWh: stored.importWh,
      exportWh: stored.exportWh ?? null,
      note: input.note ?? null,
      replaced: null,
      enteredBy: actorOf(who),
      enteredAt: now,
    },
    audit: { action: 'reading_entered', contractId: meter.contractId },
  });
  return stored;
}
