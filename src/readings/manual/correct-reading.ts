import type { Principal } from '../../auth/principal.js';
import { actorOf } from '../../audit/audit-log.js';
import { getMeter } from '../../fleet/meters-repo.js';
import { AppError } from '../../shared/app-error.js';
import { toRfc3339 } from '../../shared/time.js';
import { fromStore } from '../from-store.js';
import type { Reading } from '../reading.js';
import { latestManualEntryAt, replacedOf, type ManualEntry } from './manual-readings-repo.js';
import type { CorrectionInput } from './manual-schemas.js';
import { checkPeopleReading, DEFAULT_MAX_POWER_W, peopleRules } from './people-reading-check.js';
import { recordPeopleReading, type ManualReadingDeps } from './record-people-reading.js';

/** A correction as answered: the reading now stored, and the entry that keeps the original. */
export interface Correction {
  readonly reading: Reading;
  readonly entry: ManualEntry;
}

/**
 * Replace the reading of a meter at `ts` with a stated value (`POST /v1/meters/{id}/corrections`,
 * staff): a wrong reading, or one that was rejected (nothing stored there). The corrected value is
 * checked against the stored readings around it (the original aside) like any reading, stored as
 * a staff reading, and the original is kept in the ledger entry; both are in the audit row. The
 * change feed records it as it records any reading stored late, so settlement recomputes the
 * settled periods it changes and bills the difference as adjustment lines on the next invoice.
 * Without `exportWh` the stored export register stays as it was.
 *
 * Two kinds of stored reading cannot be corrected, with a 409: one where the meter's counter
 * restarted, wrapped, held a dip, or an exchange began or ended it (the offsets of every later
 * reading rest on it), and one with device registers (HCHC/HCHP…), which a total alone would leave
 * disagreeing with it.
 *
 * @throws AppError `not_found`, `conflict`, `unprocessable` (a rejection reason),
 *   `store_unavailable`.
 */
export async function correctReading(
  deps: ManualReadingDeps,
  who: Principal,
  meterId: string,
  input: CorrectionInput,
): Promise<Correction> {
  const meter = await getMeter(deps.db, { all: true }, meterId);
  const window = (
    await fromStore(
      "the meter's readings",
      deps.store.windows([{ meterId: meter.id, from: input.ts, to: input.ts }]),
    )
  ).get(meter.id);
  const original = window?.inside.find((r) => r.ts === input.ts);
  if (original?.span?.event !== undefined)
    throw new AppError(
      'conflict',
      `the reading at ${toRfc3339(input.ts)} marks a ${original.span.event} of meter ${meter.id}'s counter, which later readings rest on: it cannot be corrected`,
    );
  if (original?.registers !== undefined)
    throw new AppError(
      'conflict',
      `the reading at ${toRfc3339(input.ts)} carries the device's registers (${Object.keys(original.registers).join(', ')}), which a corrected total would contradict: it cannot be corrected`,
    );
  const now = deps.clock.now();
  const exportWh = input.exportWh ?? original?.exportWh;
  const candidate: Reading = {
    meterId: meter.id,
    ts: input.ts,
    importWh: input.importWh,
    ...(exportWh === undefined ? {} : { exportWh }),
    ...(original?.powerW === undefined ? {} : { powerW: original.powerW }),
    receivedAt: now,
    source: 'staff',
  };
  // Judged against its neighbours, not against the reading it replaces.
  const around = window === undefined ? undefined : { ...window, inside: [] };
  const checked = checkPeopleReading(
    peopleRules(meter, deps.defaultMaxPowerW ?? DEFAULT_MAX_POWER_W),
    around,
    candidate,
    { hideNeighbours: false },
  );
  // The same correction again (its answer was lost): the stored reading is it already.
  const again =
    original !== undefined &&
    original.source === 'staff' &&
    original.importWh === checked.reading.importWh &&
    (original.exportWh ?? null) === (checked.reading.exportWh ?? null)
      ? await latestManualEntryAt(deps.db, meter.id, input.ts, 'correction')
      : undefined;
  if (
    again !== undefined &&
    again.note === input.reason &&
    again.importWh === original?.importWh &&
    again.exportWh === (original.exportWh ?? null)
  )
    return { reading: original, entry: again };
  const reading = checked.reading;
  const entry = await recordPeopleReading(deps, {
    reading,
    alreadyStored: false,
    window,
    entry: {
      meterId: meter.id,
      ts: input.ts,
      kind: 'correction',
      source: 'staff',
      importWh: reading.importWh,
      exportWh: reading.exportWh ?? null,
      note: input.reason,
      replaced: original === undefined ? null : replacedOf(original),
      enteredBy: actorOf(who),
      enteredAt: now,
    },
    audit: { action: 'reading_corrected', contractId: meter.contractId },
  });
  return { reading, entry };
}
