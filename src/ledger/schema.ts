import type { Generated } from 'kysely';

/**
 * Table shapes of the ledger, shared by SQLite and PostgreSQL. Timestamps are UTC RFC 3339 strings with
 * milliseconds (`2026-11-29T18:15:00.000Z`), which sort correctly as text in both dialects.
 */
export interface MeterTable {
  id: string;
  contract_id: string | null;
  installed_at: string;
  max_power_w: number | null;
  created_at: string;
}

export interface RejectionTable {
  /** Assigned when the message was spooled, so a replay after a crash cannot insert it twice. */
  id: string;
  seq: Generated<number>;
  reason: string;
  detail: string;
  meter_id: string | null;
  topic: string;
  /** The raw payload as UTF-8 text, cut at 64 KiB. */
  payload: string;
  payload_bytes: number;
  received_at: string;
  created_at: string;
}

export interface CustomerTable {
  id: string;
  name: string;
  email: string | null;
  created_at: string;
}

export interface TariffTable {
  id: string;
  name: string;
  currency: string;
  /** The tariff document (DESIGN §5) as JSON text. */
  body: string;
  created_at: string;
}

export interface ContractTable {
  id: string;
  customer_id: string;
  tariff_id: string;
  /** IANA time zone name. */
  timezone: string;
  starts_at: string;
  ends_at: string | null;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  /** SHA-256 hex of the key; the key itself is never stored. */
  key_hash: string;
  role: string;
  customer_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface LedgerDatabase {
  meters: MeterTable;
  rejections: RejectionTable;
  customers: CustomerTable;
  tariffs: TariffTable;
  contracts: ContractTable;
  api_keys: ApiKeyTable;
}
