import type { Kysely } from 'kysely';
import { invoicesOf } from '../../billing/records/invoices-repo.js';
import { listContracts } from '../../fleet/contracts.js';
import { getCustomer } from '../../fleet/customers.js';
import type { LedgerDatabase } from '../../ledger/schema.js';
import type { ReadingStore } from '../../readings/reading-store.js';
import { readingSourceOf, tsSourceOf, type Reading } from '../../readings/reading.js';
import type { Clock } from '../../shared/clock.js';
import { toRfc3339 } from '../../shared/time.js';
import { consentHistory } from '../consent-repo.js';
import { consumptionCsv } from './consumption-csv.js';

/** What an export reads: the ledger, the readings store and the clock. */
export interface ExportDeps {
  readonly db: Kysely<LedgerDatabase>;
  readonly store: Pick<ReadingStore, 'windows' | 'latest'>;
  readonly clock: Clock;
}

/**
 * Everything wattledger holds about one customer, shaped for people and machines (right of access).
 */
export interface ExportData {
  readonly generatedAt: string;
  readonly profile: Record<string, unknown>;
  readonly contracts: Record<string, unknown>[];
  readonly consents: Record<string, unknown>;
  readonly invoices: Record<string, unknown>[];
  /** `readings.csv` lines, without the header. */
  readonly consumption: string[];
}

const iso = (ms: number | null) => (ms === null ? null : toRfc3339(ms));

/**
 * A meter's latest reading as the archive shows it: where its time came from, who took it, and its
 * registers.
 */
function latestReadingRecord(r: Reading): Record<string, unknown> {
  return {
    ts: toRfc3339(r.ts),
    tsSource: tsSourceOf(r),
    source: readingSourceOf(r),
    receivedAt: toRfc3339(r.receivedAt),
    importWh: r.importWh,
    exportWh: r.exportWh ?? null,
    registers: r.registers ?? null,
  };
}

/**
 * Collect the data of customer `customerId` only: every query below is keyed by that customer or by
 * its contracts and meters, so nothing of another customer can enter the archive.
 */
export async function collectExport(deps: ExportDeps, customerId: string): Promise<ExportData> {
  const now = deps.clock.now();
  const customer = await getCustomer(deps.db, customerId);
  const keys = await deps.db
    .selectFrom('api_keys')
    .select(['id', 'role', 'created_at', 'revoked_at'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
  const contracts = await listContracts(deps.db, { all: false, customerId });
  const contractIds = contracts.map((c) => c.id);
  const meters =
    contractIds.length === 0
      ? []
      : await deps.db
          .selectFrom('meters')
          .select(['id', 'contract_id', 'installed_at', 'format', 'source_topic'])
          .where('contract_id', 'in', contractIds)
          .orderBy('id')
          .execute();
  const tariffIds = [...new Set(contracts.map((c) => c.tariffId))];
  const tariffs =
    tariffIds.length === 0
      ? []
      : await deps.db
          .selectFrom('tariffs')
          .select(['id', 'name', 'currency'])
          .where('id', 'in', tariffIds)
          .execute();
  const latest = new Map<string, Record<string, unknown>>();
  for (const c of contracts) {
    // A register read at one moment is finer than a day: only under consent `interval`.
    if (c.consent !== 'interval') continue;
    for (const m of meters.filter((x) => x.contract_id === c.id)) {
      const r = await deps.store.latest(m.id);
      if (r !== undefined) latest.set(m.id, latestReadingRecord(r));
    }
  }
  const consumption: string[] = [];
  const invoices: Record<string, unknown>[] = [];
  for (const c of contracts) {
    consumption.push(
      ...(await consumptionCsv(
        deps.store,
        c,
        meters.filter((m) => m.contract_id === c.id).map((m) => m.id),
        now,
      )),
    );
    for (const i of await invoicesOf(deps.db, c.id)) {
      invoices.push({
        number: i.number,
        kind: i.kind,
        contractId: i.contractId,
        period: { start: iso(i.period.start), end: iso(i.period.end) },
        currency: i.currency,
        lines: i.lines,
        subtotal: i.subtotal,
        total: i.total,
        basis: i.basis,
        issuedAt: iso(i.issuedAt),
      });
    }
  }
  return {
    generatedAt: toRfc3339(now),
    profile: {
      customer: {
        id: customer.id,
        name: customer.name,
        email: customer.email,
        createdAt: iso(customer.createdAt),
      },
      apiKeys: keys.map((k) => ({
        id: k.id,
        role: k.role,
        createdAt: k.created_at,
        revokedAt: k.revoked_at,
      })),
    },
    contracts: contracts.map((c) => ({
      id: c.id,
      tariff: tariffs.find((t) => t.id === c.tariffId) ?? { id: c.tariffId },
      timezone: c.timezone,
      startsAt: iso(c.startsAt),
      endsAt: iso(c.endsAt),
      createdAt: iso(c.createdAt),
      consent: c.consent,
      meters: meters
        .filter((m) => m.contract_id === c.id)
        .map((m) => ({
          id: m.id,
          installedAt: m.installed_at,
          format: m.format,
          topic: m.source_topic,
          latestReading: latest.get(m.id) ?? null,
        })),
    })),
    consents: {
      current: contracts.map((c) => ({ contractId: c.id, consent: c.consent })),
      changes: await consentHistory(deps.db, contractIds),
    },
    invoices,
    consumption,
  };
}
