import type { Tariff } from '../tariff-schema.js';

/** A half-open span of time `[start, end)` in epoch ms. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Consumption of one interval (a UTC quarter hour `[start, start + 15 min)`), in exact milli-Wh as
 * the consumption core computes it. `exportMwh` is null where the export register is unknown.
 */
export interface PricedInterval {
  readonly start: number;
  readonly importMwh: bigint;
  readonly exportMwh: bigint | null;
}

/** What `priceBill` prices. */
export interface PricingInput {
  readonly tariff: Tariff;
  /**
   * A billing period or part of one (a move-out ends it early); tiers count from `period.start`.
   */
  readonly period: TimeRange;
  /** The contract's IANA time zone: local days, weekdays and times of day are read there. */
  readonly tz: string;
  /**
   * Intervals inside the period, ascending by start, at most one per quarter hour; absent ones
   * count as zero.
   */
  readonly intervals: readonly PricedInterval[];
}

/** The kinds of bill lines (docs/design.md §4). */
export type BillLineKind = 'energy' | 'standing_charge' | 'export_credit' | 'tax';

/**
 * One line of a bill. `amount` is `quantity × unitPrice` rounded half away from zero to the
 * currency's minor unit, so every line can be checked by hand.
 */
export interface BillLine {
  readonly kind: BillLineKind;
  /**
   * For people: `Energy HP 2026-10-01 – 2026-10-31`,
   * `Standing charge 2026-10-01 – 2026-10-31 (31 days)`, `VAT 20 %`.
   */
  readonly description: string;
  /** kWh with 3 decimals, days with 4, or for a percent tax the base amount in the currency. */
  readonly quantity: string;
  /** `kWh`, `day`, or the currency code for a percent tax (whose base is money). */
  readonly unit: string;
  /**
   * Price per unit as the tariff states it; negative for an export credit; `percent / 100` for a
   * percent tax.
   */
  readonly unitPrice: string;
  /** Money with the currency's minor digits; negative for a credit. */
  readonly amount: string;
  /** The time-of-use band of an energy line. */
  readonly band?: string;
  /** The tier (1-based) of a tiered energy line. */
  readonly tier?: number;
  /**
   * `validFrom` of the tariff version that priced the line; absent on percent taxes, which span
   * versions.
   */
  readonly versionFrom?: string;
}

/** A priced bill: lines, then `subtotal` (lines before percent taxes) and `total` (all lines). */
export interface Bill {
  readonly currency: string;
  readonly lines: readonly BillLine[];
  readonly subtotal: string;
  readonly total: string;
}
