import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { LedgerDatabase } from '../ledger/schema.js';
import { toIso } from '../shared/time.js';

/** The actions the audit trail records. */
export type AuditAction =
  | 'close'
  | 'move_out'
  | 'hold'
  | 'settle'
  | 'force_settle'
  | 'adjust'
  | 'late_readings_not_billed'
  // Privacy: a consent changed, readings reduced by retention, a customer erased.
  | 'consent_change'
  | 'retention'
  | 'customer_erase'
  // Meters: one replaced by another, its counter rules changed by staff.
  | 'meter_exchange'
  | 'meter_rules_change'
  // Readings taken by people: a customer's or staff's reading entered, a reading corrected by staff.
  | 'reading_entered'
  | 'reading_corrected';

/** One audit row: who did what to which contract, period or invoice, and when. */
export interface AuditEntry {
  readonly actor: string;
  readonly action: AuditAction;
  readonly contractId?: string | null;
  readonly periodId?: string | null;
  readonly invoiceNumber?: string | null;
  readonly detail?: Record<string, unknown>;
}

/** The actor name of an API caller (`key:<id>`) for audit rows. */
export function actorOf(p: Principal): string {
  return `key:${p.keyId}`;
}

/** The actor of scheduled runs. */
export const CRON_ACTOR = 'cron';

/** Append audit rows (inside the caller's transaction when `db` is one). */
export async function recordAudit(
  db: Kysely<LedgerDatabase>,
  at: number,
  entries: readonly AuditEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) {
    await db
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + 500).map((e) => ({
          at: toIso(at),
          actor: e.actor,
          action: e.action,
          contract_id: e.contractId ?? null,
          period_id: e.periodId ?? null,
          invoice_number: e.invoiceNumber ?? null,
          detail: JSON.stringify(e.detail ?? {}),
        })),
      )
      .execute();
  }
}

/** An audit row as read back. */
export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  readonly id: number;
  readonly at: string;
  readonly detail: Record<string, unknown>;
}

/** The audit rows of a contract, oldest first. */
export async function auditOf(
  db: Kysely<LedgerDatabase>,
  contractId: string,
): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('contract_id', '=', contractId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action as AuditAction,
    contractId: r.contract_id,
    periodId: r.period_id,
    invoiceNumber: r.invoice_number,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
