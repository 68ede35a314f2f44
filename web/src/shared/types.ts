/** The API shapes the web app reads (see /openapi.json); only the fields it uses. */

export interface Contract {
  readonly id: string;
  readonly customerId: string;
  readonly timezone: string;
  readonly startsAt: string;
  readonly endsAt: string | null;
  /** Finest consumption granularity the customer allows; absent on older servers. */
  readonly consent?: string;
}

export interface Customer {
  readonly id: string;
  readonly name: string;
}

export interface Meter {
  readonly id: string;
  readonly contractId: string | null;
  /** When an exchange took the meter out; null while in service. */
  readonly removedAt?: string | null;
}

export interface LatestReading {
  readonly ts: string;
  readonly receivedAt: string;
  readonly powerW: number | null;
  readonly importWh: number;
  /** Who took the reading: the meter, or a person (`customer`, `staff`). */
  readonly source?: 'meter' | 'customer' | 'staff';
}

export type Quality = 'measured' | 'interpolated' | 'self-read' | 'manual' | 'partial' | 'missing';

export interface Bucket {
  readonly start: string;
  readonly end: string;
  readonly importWh: number | null;
  readonly exportWh: number | null;
  readonly quality: Quality;
}

export interface Consumption {
  readonly tz: string;
  readonly buckets: readonly Bucket[];
  readonly totals: { readonly importWh: number; readonly exportWh: number | null };
}

export interface BillLine {
  readonly kind: string;
  readonly description: string;
  readonly quantity: string;
  readonly unit: string;
  readonly unitPrice: string;
  readonly amount: string;
}

export interface Basis {
  readonly measuredImportWh: number;
  readonly projectedImportWh: number;
  /** Estimates: export projected to the period end, credited. */
  readonly projectedExportWh?: number;
  readonly asOf: string | null;
  /** `measured`, `household-bootstrap`, `fleet-bootstrap`, `extrapolated-7d`, `none`. */
  readonly method: string;
  /** Estimates: how the energy to the period end was projected. */
  readonly projection?: string;
}

export type BillStatus = 'estimated' | 'provisional' | 'settled' | 'held';

/** A money figure not known yet: 1 outcome in 10 below `p10`, 1 in 10 above `p90`. */
export interface MoneyRange {
  readonly p10: string;
  readonly p50: string;
  readonly p90: string;
}

export interface Bill {
  readonly period: { readonly start: string; readonly end: string };
  readonly status: BillStatus;
  readonly currency: string;
  readonly lines: readonly BillLine[];
  readonly subtotal: string;
  readonly total: string;
  readonly basis: Basis;
  /** An estimated bill's range, `p50` equal to `total`; absent on other bills. */
  readonly estimate?: MoneyRange;
  readonly invoiceNumber?: string;
  readonly holdReason?: string;
}

/** `GET /v1/me`. */
export interface Me {
  readonly role: 'customer' | 'staff' | 'admin';
  readonly customer?: Customer;
}

/** `GET`/`PUT /v1/contracts/{id}/budget`. */
export interface Budget {
  readonly contractId: string;
  readonly amount: string | null;
  readonly currency: string;
  readonly updatedAt: string | null;
}

/** One currency of `GET /v1/billing/revenue`. */
export interface CurrencyRevenue {
  readonly currency: string;
  readonly settled: string;
  readonly provisional: string;
  readonly held: string;
  readonly estimated: MoneyRange;
  readonly adjustmentsPending: string;
}

/** `GET /v1/billing/revenue`. */
export interface Revenue {
  readonly month: string;
  readonly asOf: string;
  readonly graceHours: number;
  readonly currencies: readonly CurrencyRevenue[];
}

export interface Invoice {
  readonly number: string;
  readonly kind: 'period' | 'adjustment';
  readonly contractId: string;
  readonly customerId: string;
  readonly period: { readonly start: string; readonly end: string };
  readonly currency: string;
  readonly lines: readonly BillLine[];
  readonly subtotal: string;
  readonly total: string;
  readonly basis: Basis;
  readonly issuedAt: string;
}

export interface Period {
  readonly id: string | null;
  readonly start: string;
  readonly end: string;
  readonly status: 'open' | 'closed' | 'held' | 'settled';
  readonly holdReason: string | null;
  readonly invoiceNumber: string | null;
}

/** A period of the fleet-wide list. */
export interface FleetPeriod extends Period {
  readonly contractId: string;
}

export interface Rejection {
  readonly id: string;
  readonly reason: string;
  readonly detail: string;
  readonly meterId: string | null;
  readonly topic: string;
  readonly payload: string;
  readonly payloadBytes: number;
  readonly receivedAt: string;
}

export interface Summary {
  readonly month: string;
  readonly items: readonly {
    readonly status: BillStatus;
    readonly currency: string;
    readonly count: number;
    readonly total: string;
  }[];
}

export interface SettlementResult {
  readonly closed: number;
  readonly settled: number;
  readonly held: number;
  readonly failed: number;
  readonly adjusted: number;
  readonly notBilled: number;
}

/** `{items: [...]}` list answers; paged ones say where the next page starts. */
export interface List<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}
