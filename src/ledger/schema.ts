import type { ColumnType, Generated } from 'kysely';

/**
 * Table shapes of the ledger, shared by SQLite and PostgreSQL. Timestamps are UTC RFC 3339 strings
 * with milliseconds (`2026-11-29T18:15:00.000Z`), which sort correctly as text in both dialects.
 */
export interface MeterTable {
  /** Unique ignoring case (migration 0007: a unique index on `lower(id)`). */
  id: string;
  contract_id: string | null;
  installed_at: string;
  max_power_w: number | null;
  created_at: string;
  /** A device format name (migration 0008); `wattledger` for meters/{id}/readings. */
  format: ColumnType<string, string | undefined, string>;
  /** The meter's `source` as JSON: topic, login and the format's options; null for wattledger. */
  source: string | null;
  /** `source.topic`, indexed: ingest finds meters by the topic a message arrives on. */
  source_topic: string | null;
  /** `source.login`, indexed; null means the device logs in as the meter id. */
  mqtt_login: string | null;
  /** `reject` or `new-span` (migration 0010). */
  counter_resets: ColumnType<string, string | undefined, string>;
  /** Where the register wraps to 0; PostgreSQL answers a bigint as text. */
  register_max_wh: ColumnType<number | string | null, number | null | undefined, number | null>;
  decrease_tolerance_wh: ColumnType<number, number | undefined, number>;
  /** When an exchange took the meter out (UTC RFC 3339); readings after it are refused. */
  removed_at: string | null;
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
  /**
   * When the customer was erased (name and e-mail pseudonymised, readings deleted); null otherwise.
   */
  erased_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TariffTable {
  id: string;
  name: string;
  currency: string;
  /** The tariff document (docs/design.md §5) as JSON text. */
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
  /**
   * The finest granularity the customer allows to be shown and kept: `month` (default), `day` or
   * `interval`.
   */
  consent: Generated<string>;
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

/**
 * A billing period that has ended (docs/design.md §1). The open period of a contract has no row.
 */
export interface BillingPeriodTable {
  id: string;
  contract_id: string;
  start_at: string;
  end_at: string;
  status: 'closed' | 'held' | 'settled';
  hold_reason: string | null;
  closed_at: string;
  closed_by: string;
  settled_at: string | null;
  invoice_number: string | null;
  end_extrapolated: Generated<number>;
  claimed_by: string | null;
  claimed_until: string | null;
  updated_at: string;
}

/**
 * The last invoice sequence number issued in a year: incremented in the settling transaction, so
 * numbers have no gaps.
 */
export interface InvoiceSequenceTable {
  year: number;
  last_seq: number;
}

export interface InvoiceTable {
  /** `INV-YYYY-NNNNNN`. */
  number: string;
  year: number;
  seq: number;
  kind: 'period' | 'adjustment';
  contract_id: string;
  customer_id: string;
  period_id: string | null;
  period_start: string;
  period_end: string;
  currency: string;
  subtotal: string;
  total: string;
  /** JSON array of bill lines (decimal strings). */
  lines: string;
  /** JSON of the bill basis. */
  basis: string;
  issued_at: string;
  issued_by: string;
}

export interface AdjustmentTable {
  id: string;
  contract_id: string;
  period_id: string;
  invoice_number: string;
  currency: string;
  lines: string;
  total: string;
  reason: string;
  created_at: string;
  applied_invoice_number: string | null;
}

/**
 * The readings change feed (migration 0005): readings stored late, meters that resumed, readings
 * deleted. Readings caches drop what it names, and settlement recomputes the periods late rows
 * touch. Bounds are epoch ms, both included.
 */
export interface ReadingChangeTable {
  id: Generated<number>;
  meter_id: string;
  /** bigint: PostgreSQL answers it as a string. */
  from_ms: ColumnType<number | string, number, number>;
  to_ms: ColumnType<number | string, number, number>;
  kind: 'late' | 'deleted' | 'resumed';
  recorded_at: string;
}

/**
 * How far each durable reader of the feed has read (migration 0006): rows up to `last_id` are
 * handled. The feed is pruned only of rows every reader here has passed.
 */
export interface ReadingChangeCursorTable {
  /** `settlement` or `retention`. */
  reader: string;
  last_id: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  contract_id: string | null;
  period_id: string | null;
  invoice_number: string | null;
  /** JSON object. */
  detail: string;
}

/**
 * A reading taken by a person, or a staff correction (migration 0009). The reading itself is in the
 * readings store; this row keeps who entered it, when, why, and what a correction replaced.
 */
export interface ManualReadingTable {
  id: Generated<number>;
  meter_id: string;
  ts: string;
  kind: 'reading' | 'correction';
  source: 'customer' | 'staff';
  /** bigint: PostgreSQL answers it as a string. */
  import_wh: ColumnType<number | string, number, number>;
  export_wh: ColumnType<number | string | null, number | null, number | null>;
  /** A reading's note, or a correction's reason. */
  note: string | null;
  /** JSON: the stored reading a correction replaced; null when none was stored at `ts`. */
  replaced: string | null;
  /** The audit name of who entered it (`key:<id>`). */
  entered_by: string;
  entered_at: string;
}

/** What the retention job last reduced a meter's settled period to, so that later runs skip it. */
export interface RetentionMarkTable {
  meter_id: string;
  period_id: string;
  kept: string;
  done_at: string;
}

/**
 * An estimate the bill route showed (migration 0011): a row per contract, local day and viewer
 * whenever the figures differ from the last ones shown. Never updated.
 */
export interface EstimateRecordTable {
  id: Generated<number>;
  contract_id: string;
  /** Local date YYYY-MM-DD in the contract's zone. */
  day: string;
  shown_at: string;
  viewer: 'customer' | 'staff';
  period_start: string;
  period_end: string;
  as_of: string | null;
  method: string;
  projection: string | null;
  currency: string;
  p10: string;
  p50: string;
  p90: string;
}

/** A customer's monthly budget for a contract (migration 0012): what the app warns against. */
export interface ContractBudgetTable {
  contract_id: string;
  /** Exact decimal text with the currency's minor digits. */
  amount: string;
  currency: string;
  updated_at: string;
  /** `key:<id>` of whoever set it. */
  updated_by: string;
}

/**
 * An unsettled bill's figures as they stood at an instant (migration 0013): what the state of
 * revenue sums. Never updated.
 */
export interface RevenueMarkTable {
  contract_id: string;
  period_start: string;
  marked_at: string;
  period_end: string;
  status: 'estimated' | 'provisional' | 'held';
  currency: string;
  p10: string;
  p50: string;
  p90: string;
  created_at: string;
}

/**
 * The readings of one meter's local day that consumption needs when it cuts at local midnights
 * (migration 0014): see `src/readings/days/`. bigint columns come back as text from PostgreSQL.
 */
export interface ReadingDayTable {
  meter_id: string;
  day_start: ColumnType<number | string, number, number>;
  day_end: ColumnType<number | string, number, number>;
  timezone: string;
  readings: number;
  /** JSON array of [ts, importWh, exportWh | null, mark | null], ascending. */
  points: string;
  /** JSON array of [from, to]: the day's gaps longer than an hour. */
  gaps: string;
}

/** How far `reading_days` is complete (one row, id `days`). */
export interface ReadingDaysStateTable {
  id: string;
  from_ms: ColumnType<number | string, number, number>;
  through_ms: ColumnType<number | string, number, number>;
  lease_holder: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: ColumnType<number | string | null, number | null | undefined, number | null>;
}

export interface LedgerDatabase {
  meters: MeterTable;
  rejections: RejectionTable;
  customers: CustomerTable;
  tariffs: TariffTable;
  contracts: ContractTable;
  api_keys: ApiKeyTable;
  billing_periods: BillingPeriodTable;
  invoice_sequences: InvoiceSequenceTable;
  invoices: InvoiceTable;
  adjustments: AdjustmentTable;
  audit_log: AuditLogTable;
  retention_marks: RetentionMarkTable;
  reading_changes: ReadingChangeTable;
  reading_change_cursors: ReadingChangeCursorTable;
  manual_readings: ManualReadingTable;
  estimate_records: EstimateRecordTable;
  contract_budgets: ContractBudgetTable;
  revenue_marks: RevenueMarkTable;
  reading_days: ReadingDayTable;
  reading_days_state: ReadingDaysStateTable;
}
