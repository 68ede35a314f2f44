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
  readonly asOf: string | null;
  readonly method: string;
}

export type BillStatus = 'estimated' | 'provisional' | 'settled' | 'held';

export interface Bill {
  readonly period: { readonly start: string; readonly end: string };
  readonly status: BillStatus;
  readonly currency: string;
  readonly lines: readonly BillLine[];
  readonly subtotal: string;
  readonly total: string;
  readonly basis: Basis;
  readonly invoiceNumber?: string;
  readonly holdReason?: string;
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

/** `{items: [...]}` list answers. */
export interface List<T> {
  readonly items: readonly T[];
}
