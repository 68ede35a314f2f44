import type { Kysely } from 'kysely';
import type { LedgerDatabase } from '../../ledger/schema.js';
import { type Consent, parseConsent } from '../../privacy/consent.js';
import { tariffSchema, type Tariff } from '../tariff-schema.js';
import type { ContractSpan } from '../periods/billing-periods.js';

/**
 * What billing needs of a contract: its span and zone, its customer, tariff, meters and consent
 * (what an estimate may rest on).
 */
export interface BillingContext extends ContractSpan {
  readonly contractId: string;
  readonly consent: Consent;
  readonly customerId: string;
  readonly tariffId: string;
  readonly tariff: Tariff;
  readonly meterIds: readonly string[];
}

/**
 * The billing contexts of some contracts (all when `contractIds` is undefined), by contract id.
 * Tariffs are parsed once each, however many contracts share them.
 */
export async function loadBillingContexts(
  db: Kysely<LedgerDatabase>,
  contractIds?: readonly string[],
): Promise<Map<string, BillingContext>> {
  const out = new Map<string, BillingContext>();
  if (contractIds !== undefined && contractIds.length === 0) return out;
  const ids = contractIds === undefined ? undefined : [...new Set(contractIds)];
  const chunks =
    ids === undefined
      ? [undefined]
      : Array.from({ length: Math.ceil(ids.length / 500) }, (_, i) =>
          ids.slice(i * 500, i * 500 + 500),
        );
  const tariffs = new Map<string, Tariff>();
  for (const chunk of chunks) {
    let q = db
      .selectFrom('contracts')
      .select([
        'contracts.id',
        'contracts.customer_id',
        'contracts.tariff_id',
        'contracts.timezone',
        'contracts.starts_at',
        'contracts.ends_at',
        'contracts.consent',
      ]);
    if (chunk !== undefined) q = q.where('contracts.id', 'in', chunk);
    const rows = await q.orderBy('contracts.id').execute();
    let mq = db
      .selectFrom('meters')
      .select(['id', 'contract_id'])
      .where('contract_id', 'is not', null);
    if (chunk !== undefined) mq = mq.where('contract_id', 'in', chunk);
    const meters = new Map<string, string[]>();
    for (const m of await mq.orderBy('id').execute()) {
      if (m.contract_id === null) continue;
      const list = meters.get(m.contract_id) ?? [];
      list.push(m.id);
      meters.set(m.contract_id, list);
    }
    // Each tariff's document once, not once per contract row: a fleet shares a few tariffs, and
    // their documents repeated on 20,000 rows weighed more than the rest of the answer.
    const unknown = [...new Set(rows.map((r) => r.tariff_id))].filter((id) => !tariffs.has(id));
    if (unknown.length > 0)
      for (const t of await db
        .selectFrom('tariffs')
        .select(['id', 'body'])
        .where('id', 'in', unknown)
        .execute())
        tariffs.set(t.id, tariffSchema.parse(JSON.parse(t.body) as unknown));
    for (const r of rows) {
      const tariff = tariffs.get(r.tariff_id);
      if (tariff === undefined) continue;
      out.set(r.id, {
        contractId: r.id,
        consent: parseConsent(r.consent),
        customerId: r.customer_id,
        tariffId: r.tariff_id,
        tariff,
        timezone: r.timezone,
        startsAt: Date.parse(r.starts_at),
        endsAt: r.ends_at === null ? null : Date.parse(r.ends_at),
        meterIds: meters.get(r.id) ?? [],
      });
    }
  }
  return out;
}
