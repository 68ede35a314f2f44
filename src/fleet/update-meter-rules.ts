import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { AppError } from '../shared/app-error.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import type { FleetDeps } from './fleet-deps.js';
import { counterRulesSchema, type Meter } from './meter.js';
import { findMeterAccess } from './meters-repo.js';

/** What staff may change on a meter: how its registers may go down. At least one field. */
export const meterRulesSchema = z
  .strictObject({
    counterResets: counterRulesSchema.counterResets,
    registerMaxWh: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    decreaseToleranceWh: counterRulesSchema.decreaseToleranceWh,
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'name at least one of counterResets, registerMaxWh, decreaseToleranceWh',
  });

export type MeterRulesInput = z.input<typeof meterRulesSchema>;

/**
 * Change a meter's counter rules (`PATCH /v1/meters/{id}`), audited with the values before and
 * after. They apply to readings checked from now on: stored readings keep the index they were
 * given.
 *
 * @throws AppError `validation_failed`, `not_found`.
 */
export async function updateMeterRules(
  deps: FleetDeps,
  who: { readonly actor: string },
  meterId: string,
  input: MeterRulesInput,
): Promise<Meter> {
  const parsed = meterRulesSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('validation_failed', describeZodIssues(parsed.error.issues));
  const change = parsed.data;
  const before = await findMeterAccess(deps.db, meterId);
  if (before === undefined) throw new AppError('not_found', `no meter ${meterId}`);
  const after: Meter = {
    ...before,
    counterResets: change.counterResets ?? before.counterResets,
    registerMaxWh: change.registerMaxWh === undefined ? before.registerMaxWh : change.registerMaxWh,
    decreaseToleranceWh: change.decreaseToleranceWh ?? before.decreaseToleranceWh,
  };
  const rules = (m: Meter) => ({
    counterResets: m.counterResets,
    registerMaxWh: m.registerMaxWh,
    decreaseToleranceWh: m.decreaseToleranceWh,
  });
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('meters')
      .set({
        counter_resets: after.counterResets,
        register_max_wh: after.registerMaxWh,
        decrease_tolerance_wh: after.decreaseToleranceWh,
      })
      .where('id', '=', meterId)
      .execute();
    await recordAudit(tx, deps.clock.now(), [
      {
        actor: who.actor,
        action: 'meter_rules_change',
        contractId: before.contractId,
        detail: { meterId, from: rules(before), to: rules(after) },
      },
    ]);
  });
  return after;
}
