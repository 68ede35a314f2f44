import { recordAudit } from '../../audit/audit-log.js';
import { continueCounter } from '../../ingest/counter-spans.js';
import { recordReadingChanges } from '../../readings/changes/reading-changes.js';
import type { Reading } from '../../readings/reading.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import { AppError } from '../../shared/app-error.js';
import { toIso, toRfc3339 } from '../../shared/time.js';
import type { FleetDeps } from '../fleet-deps.js';
import type { Meter } from '../meter.js';
import { createMeter, findMeterAccess } from '../meters-repo.js';
import type { ParsedExchange } from './exchange-schema.js';

export interface ExchangeDeps extends FleetDeps {
  readonly store: Pick<ReadingStore, 'windows' | 'writeBatch'>;
}

/** Who exchanges: staff or an admin, by their audit name. */
export interface ExchangeActor {
  readonly actor: string;
}

/**
 * Replace meter `oldId` by a new meter at `at` (docs/design.md §8 "Meter exchange"): the old meter
 * ends there with its final index, stored as a staff reading that closes it (`span.event` `removed`;
 * later readings are refused), and the new meter starts there on the same contract with its start
 * index (`installed`). The contract's consumption and bills run across both without gap or spike:
 * the old meter counts up to `at`, the new one from `at`. Audited. Safe to retry: the readings are
 * written before the ledger changes, and writing them again changes nothing.
 *
 * @throws AppError `validation_failed`, `not_found` (old meter), `conflict` (already exchanged,
 *   readings after `at`, new id taken), `unprocessable` (the final index is below the old meter's).
 */
export async function exchangeMeter(
  deps: ExchangeDeps,
  who: ExchangeActor,
  oldId: string,
  x: ParsedExchange,
): Promise<Meter> {
  const old = await findMeterAccess(deps.db, oldId);
  if (old === undefined) throw new AppError('not_found', `no meter ${oldId}`);
  if (old.removedAt !== null)
    throw new AppError(
      'conflict',
      `meter ${oldId} was already taken out at ${toRfc3339(old.removedAt)}`,
    );
  const now = deps.clock.now();
  if (x.at > now) throw new AppError('validation_failed', 'at: must not be in the future');
  if (x.at <= old.installedAt)
    throw new AppError(
      'validation_failed',
      `at: must be after meter ${oldId}'s installation at ${toRfc3339(old.installedAt)}`,
    );
  if ((await findMeterAccess(deps.db, x.newMeter.id)) !== undefined)
    throw new AppError('conflict', `meter ${x.newMeter.id} already exists`);

  // The window at `at` alone: its neighbours are the reading the final index follows and the first
  // one after the exchange, if any (which refuses it); nothing more need be read.
  const window = (await deps.store.windows([{ meterId: oldId, from: x.at, to: x.at }])).get(oldId);
  const after = window?.after;
  if (after !== undefined)
    throw new AppError(
      'conflict',
      `meter ${oldId} has readings after ${toRfc3339(x.at)} (the first at ${toRfc3339(after.ts)}): the exchange must come after them`,
    );
  const final = finalReading(old, window?.before, x.at, x.finalIndex, now);
  const start: Reading = {
    meterId: x.newMeter.id,
    ts: x.at,
    importWh: x.newMeter.startIndex.importWh,
    ...(x.newMeter.startIndex.exportWh === undefined
      ? {}
      : { exportWh: x.newMeter.startIndex.exportWh }),
    receivedAt: now,
    source: 'staff',
    span: { event: 'installed' },
  };
  await deps.store.writeBatch([final, start]);

  const { startIndex: _s, ...fields } = x.newMeter;
  const created = await deps.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('meters')
      .set({ removed_at: toIso(x.at) })
      .where('id', '=', oldId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new AppError('conflict', `meter ${oldId} was exchanged concurrently`);
    const meter = await createMeter(
      { db: tx, clock: deps.clock },
      { ...fields, contractId: old.contractId, installedAt: x.at },
    );
    await recordAudit(tx, now, [
      {
        actor: who.actor,
        action: 'meter_exchange',
        contractId: old.contractId ?? undefined,
        detail: {
          oldMeterId: oldId,
          newMeterId: meter.id,
          at: toRfc3339(x.at),
          finalIndex: x.finalIndex,
          startIndex: x.newMeter.startIndex,
        },
      },
    ]);
    return meter;
  });
  // Settlement and the readings caches hear of both readings as of any reading that arrives late.
  await recordReadingChanges(
    deps.db,
    [final, start].map((r) => ({
      meterId: r.meterId,
      from: r.ts,
      to: r.ts,
      kind: 'late' as const,
    })),
    now,
  );
  return created;
}

/** The old meter's final index as a staff reading on its continuous index (spans joined). */
function finalReading(
  old: Meter,
  before: Reading | undefined,
  at: number,
  index: { importWh: number; exportWh?: number | undefined },
  now: number,
): Reading {
  const raw: Reading = {
    meterId: old.id,
    ts: at,
    importWh: index.importWh,
    ...(index.exportWh === undefined ? {} : { exportWh: index.exportWh }),
    receivedAt: now,
  };
  const indexed = continueCounter(old, before, raw);
  if (indexed === undefined)
    throw new AppError(
      'unprocessable',
      `the final index ${index.importWh} Wh is below meter ${old.id}'s reading at ${toRfc3339(before!.ts)} (${before!.importWh} Wh)`,
    );
  return {
    ...indexed,
    source: 'staff',
    span: { ...indexed.span, event: 'removed' },
  };
}
