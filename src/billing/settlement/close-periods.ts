import { recordAudit, type AuditEntry } from '../../audit/audit-log.js';
import { QUARTER_MS } from '../../consumption/edge-rule.js';
import { AppError } from '../../shared/app-error.js';
import { toIso, toRfc3339 } from '../../shared/time.js';
import { periodsBetween } from '../periods/billing-periods.js';
import { loadBillingContexts, type BillingContext } from '../records/billing-context.js';
import { lastClosedEnds } from '../records/periods-repo.js';
import { insertClosedPeriods, type PeriodToClose } from '../records/period-transitions.js';
import type { BillingDeps } from './billing-deps.js';

/** A period a close call closed. */
export interface ClosedPeriod {
  readonly id: string;
  readonly contractId: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The periods of `ctx` that have ended by `at` and have no ledger row yet (rows are closed in
 * order).
 */
function endedSince(ctx: BillingContext, lastEnd: number | undefined, at: number): PeriodToClose[] {
  const from = lastEnd ?? ctx.startsAt;
  if (from >= at) return [];
  return periodsBetween(ctx, from, at)
    .filter((p) => p.end <= at && p.start >= from)
    .map((p) => ({ contractId: ctx.contractId, ...p }));
}

async function closeAll(
  deps: BillingDeps,
  contexts: Iterable<BillingContext>,
  at: number,
  actor: string,
  action: 'close' | 'move_out',
): Promise<ClosedPeriod[]> {
  const list = [...contexts];
  const lastEnds = await lastClosedEnds(
    deps.db,
    list.length === 1 ? [list[0]!.contractId] : undefined,
  );
  const due = list.flatMap((ctx) => endedSince(ctx, lastEnds.get(ctx.contractId), at));
  const now = deps.clock.now();
  const inserted = await insertClosedPeriods(deps.db, due, now, actor);
  const audit: AuditEntry[] = inserted.map(({ id, period }) => ({
    actor,
    action,
    contractId: period.contractId,
    periodId: id,
    detail: { start: toRfc3339(period.start), end: toRfc3339(period.end), at: toRfc3339(at) },
  }));
  await recordAudit(deps.db, now, audit);
  return inserted.map(({ id, period }) => ({
    id,
    contractId: period.contractId,
    start: period.start,
    end: period.end,
  }));
}

/**
 * Close every billing period that ended at or before `at` (all contracts, or one): a ledger row in
 * status `closed` per period, with an audit row naming `actor`. Idempotent: closed periods stay as
 * they are, and concurrent closers cannot insert a period twice.
 */
export async function closeEndedPeriods(
  deps: BillingDeps,
  input: { at: number; actor: string; contractId?: string | undefined },
): Promise<{ closed: ClosedPeriod[] }> {
  if (input.at > deps.clock.now())
    throw new AppError(
      'validation_failed',
      `at: ${toRfc3339(input.at)} is in the future; only periods that have ended can be closed`,
    );
  const contexts = await loadBillingContexts(
    deps.db,
    input.contractId === undefined ? undefined : [input.contractId],
  );
  if (input.contractId !== undefined && contexts.size === 0)
    throw new AppError('not_found', `no contract ${input.contractId}`);
  return { closed: await closeAll(deps, contexts.values(), input.at, input.actor, 'close') };
}

/**
 * A move-out (docs/design.md §4 `POST /v1/billing/close` with `contractId`): the contract ends at
 * `at`, its current period ends there and is closed with every earlier ended period.
 *
 * @throws AppError `validation_failed` when `at` is off the quarter-hour grid, in the future or not
 *   after the contract start; `conflict` when the contract has already ended by then or the period
 *   containing `at` is already closed; `not_found` for an unknown contract.
 */
export async function moveOut(
  deps: BillingDeps,
  input: { contractId: string; at: number; actor: string },
): Promise<{ closed: ClosedPeriod[] }> {
  const { contractId, at, actor } = input;
  const ctx = (await loadBillingContexts(deps.db, [contractId])).get(contractId);
  if (ctx === undefined) throw new AppError('not_found', `no contract ${contractId}`);
  if (at % QUARTER_MS !== 0)
    throw new AppError(
      'validation_failed',
      `at: a move-out must lie on a quarter hour (periods are made of 15-minute intervals), got ${toRfc3339(at)}`,
    );
  if (at > deps.clock.now())
    throw new AppError(
      'validation_failed',
      `at: ${toRfc3339(at)} is in the future; record a move-out once it has happened`,
    );
  if (at <= ctx.startsAt)
    throw new AppError(
      'validation_failed',
      `at: ${toRfc3339(at)} is not after the contract start ${toRfc3339(ctx.startsAt)}`,
    );
  if (ctx.endsAt !== null && ctx.endsAt <= at)
    throw new AppError(
      'conflict',
      `contract ${contractId} already ended at ${toRfc3339(ctx.endsAt)}`,
    );
  const lastEnd = (await lastClosedEnds(deps.db, [contractId])).get(contractId);
  if (lastEnd !== undefined && lastEnd >= at) {
    throw new AppError(
      'conflict',
      `the billing period of contract ${contractId} containing ${toRfc3339(at)} is already closed (periods are closed up to ${toRfc3339(lastEnd)})`,
    );
  }
  // One transaction: the contract's end and its closed periods land together or not at all.
  return deps.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('contracts')
      .set({ ends_at: toIso(at) })
      .where('id', '=', contractId)
      .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', toIso(at))]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new AppError('conflict', `contract ${contractId} changed meanwhile; try again`);
    return {
      closed: await closeAll({ ...deps, db: tx }, [{ ...ctx, endsAt: at }], at, actor, 'move_out'),
    };
  });
}
