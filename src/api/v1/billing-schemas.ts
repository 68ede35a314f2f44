import { z } from '@hono/zod-openapi';

const instant = z.string().openapi({ format: 'date-time', example: '2026-11-01T00:00:00Z' });
const money = z
  .string()
  .openapi({ description: "Decimal string with the currency's minor digits", example: '48.27' });

const billStatus = z.enum(['estimated', 'provisional', 'settled', 'held']);

const periodRange = z.object({ start: instant, end: instant }).openapi('PeriodRange');

/** A line of a bill or an invoice (docs/design.md §4, §5). */
export const billLineSchema = z
  .object({
    kind: z.enum(['energy', 'standing_charge', 'export_credit', 'tax', 'adjustment']),
    description: z.string().openapi({ example: 'Energy HP 2026-11-01 – 2026-11-30' }),
    quantity: z.string().openapi({
      description: 'kWh (3 decimals), days (4 decimals), or the base amount of a percent tax',
      example: '312.457',
    }),
    unit: z.string().openapi({ example: 'kWh' }),
    unitPrice: z.string().openapi({ example: '0.2081' }),
    amount: money,
    band: z.string().optional().openapi({ description: 'Time-of-use band of an energy line' }),
    tier: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Tier (1-based) of a tiered energy line' }),
    versionFrom: z
      .string()
      .optional()
      .openapi({ description: '`validFrom` of the tariff version that priced the line' }),
    adjusts: z.string().optional().openapi({
      description: 'On an adjustment line: the settled invoice it corrects',
      example: 'INV-2026-000041',
    }),
  })
  .openapi('BillLine');

/** What a bill stands on. */
export const basisSchema = z
  .object({
    measuredImportWh: z.number().openapi({
      description:
        'Measured import of what the bill prices so far (Wh): the period, or its part from the back-billing cap when the cap cuts it; 0 for a period held `back_billing_cap`',
    }),
    projectedImportWh: z
      .number()
      .openapi({ description: 'Projected import to the period end (Wh); 0 unless estimated' }),
    asOf: instant
      .nullable()
      .openapi({ description: 'The latest reading the bill uses; null without any reading' }),
    projectedExportWh: z.number().optional().openapi({
      description:
        'Estimated bills only: projected export to the period end (Wh), credited at the export rate',
    }),
    projection: z
      .enum(['recent-weeks', 'seasonal', 'month-average', 'month-seasonal', 'none'])
      .optional()
      .openapi({
        description:
          "Estimated bills only, how the energy to the period end was projected: `recent-weeks` (the 14 days before the cut, by weekday/weekend and quarter hour, import and export), `seasonal` (the same, scaled by how the same weeks moved last year), `month-average` (under `month` consent: the last whole month's average power, spread evenly), `month-seasonal` (the same, scaled by last year's move between those months), `none`",
      }),
    method: z
      .enum(['measured', 'household-bootstrap', 'fleet-bootstrap', 'extrapolated-7d', 'none'])
      .openapi({
        description:
          "`measured`: readings only; `household-bootstrap`: an estimate, measured so far plus a projection (see `projection`), its range from a block bootstrap of the household's own daily residuals; `fleet-bootstrap`: the same, the range from the fleet's residuals (under two weeks of history, or `month` consent); `extrapolated-7d`: a forced settlement extrapolated the end index from the 7-day baseline; `none`: an estimate with nothing to project from",
      }),
    indexSource: z
      .object({
        start: z.enum(['customer', 'staff']).optional(),
        end: z.enum(['customer', 'staff']).optional(),
      })
      .optional()
      .openapi({
        description:
          'Present when the start or end index rests on a reading taken by a person (the reading at that instant, or one of the two it is interpolated between): `customer` (a self-read), `staff` (entered or corrected by staff; it wins when both apply). An edge given by the meters’ own readings is left out.',
        example: { end: 'customer' },
      }),
  })
  .openapi('BillBasis');

/** The range of an estimated bill. */
export const estimateRangeSchema = z
  .object({
    p10: money.openapi({ description: 'The total falls below this in about 1 bill in 10' }),
    p50: money.openapi({ description: 'The most likely total: equal to `total`' }),
    p90: money.openapi({ description: 'The total falls above this in about 1 bill in 10' }),
  })
  .openapi('EstimateRange');

/** `GET /v1/contracts/{id}/bill`. */
export const billSchema = z
  .object({
    contractId: z.string(),
    period: periodRange,
    status: billStatus.openapi({
      description:
        '`estimated`: open period, measured so far plus a projection; `provisional`: ended, measured only, may still change; `settled`: the invoice, immutable; `held`: settlement could not proceed, for the reason in `holdReason`. An ended, unsettled period is priced as settling it now would: when the back-billing cap cuts it, from the cap only (`period` stays the billing period; the lines of that part end with "(back-billing cap: from …)"). A period that ended at or before the back-billing cap is `held` with `holdReason` `back_billing_cap` (even before a settlement run holds it): it will never be invoiced, so it has no lines and a zero total',
    }),
    currency: z.string().openapi({ example: 'EUR' }),
    lines: z.array(billLineSchema),
    subtotal: money.openapi({ description: 'Sum of the lines before percent taxes' }),
    total: money.openapi({ description: 'Sum of all lines' }),
    basis: basisSchema,
    estimate: estimateRangeSchema.optional().openapi({
      description:
        'Estimated bills only: the range the settled total is expected in (p10–p90 holds it in about 8 bills in 10), `p50` equal to `total`; the lines are priced at p50',
    }),
    invoiceNumber: z.string().optional().openapi({ example: 'INV-2026-000042' }),
    holdReason: z.string().optional().openapi({
      description:
        'Why a held period was not settled: a missing end reading (naming the meters), no meter, a bill that cannot be priced, which staff can act on; or `back_billing_cap`, which nothing lifts: the period is never invoiced',
    }),
  })
  .openapi('Bill');

/** One period of `GET /v1/contracts/{id}/periods`. */
export const periodItemSchema = z
  .object({
    id: z
      .string()
      .nullable()
      .openapi({ description: 'Ledger id; null until the period is closed' }),
    start: instant,
    end: instant,
    status: z.enum(['open', 'closed', 'held', 'settled']),
    holdReason: z.string().nullable().openapi({
      description:
        'Why a held period was not settled; `back_billing_cap`: it ended at or before the back-billing cap and is never invoiced',
    }),
    closedAt: instant.nullable().openapi({
      description:
        'When the period was closed; null for the open period and for an ended one not closed yet',
    }),
    settledAt: instant.nullable(),
    invoiceNumber: z.string().nullable(),
  })
  .openapi('BillingPeriod');

/** An issued invoice. */
export const invoiceSchema = z
  .object({
    number: z.string().openapi({ example: 'INV-2026-000042' }),
    kind: z.enum(['period', 'adjustment']),
    contractId: z.string(),
    customerId: z.string(),
    period: periodRange,
    currency: z.string(),
    lines: z.array(billLineSchema),
    subtotal: money,
    total: money,
    basis: basisSchema,
    issuedAt: instant,
  })
  .openapi('Invoice');

/** `POST /v1/billing/close` answer. */
export const closeResultSchema = z
  .object({
    closed: z.number().int().openapi({ description: 'How many periods this call closed' }),
    periods: z.array(
      z.object({ id: z.string(), contractId: z.string(), start: instant, end: instant }),
    ),
  })
  .openapi('CloseResult');

/** `POST /v1/billing/settle` answer: what the run did (docs/design.md §7 jobs return counts). */
export const settlementResultSchema = z
  .object({
    closed: z.number().int().openapi({ description: 'Periods closed by this run' }),
    settled: z.number().int().openapi({ description: 'Periods settled into invoices' }),
    held: z.number().int().openapi({
      description:
        'Periods held (newly or still) for a reason staff can act on: no reading after their end, no meter, or no rate in force. A period held beyond the back-billing cap counts in `notBilled` instead',
    }),
    failed: z.number().int().openapi({
      description: 'Periods that failed for a transient reason; retried by the next run',
    }),
    adjusted: z.number().int().openapi({
      description: 'Adjustments recorded for settled periods changed by late readings',
    }),
    notBilled: z.number().int().openapi({
      description:
        'What the back-billing cap kept off invoices in this run: settled periods that ended before the cap and that late readings changed (reported, not billed), and periods this run held for good with `back_billing_cap` because they ended at or before the cap (never invoiced; counted once, by the run that holds them)',
    }),
  })
  .openapi('SettlementResult');

/** `GET /v1/billing/summary` answer. */
export const summarySchema = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    items: z
      .array(
        z.object({
          status: billStatus,
          currency: z.string(),
          count: z.number().int(),
          total: money,
        }),
      )
      .openapi({
        description:
          'By status (estimated, provisional, settled, held), then currency. A period held beyond the back-billing cap counts in `held` with a zero total: it will never be billed, so `held` totals only money that may still be',
      }),
  })
  .openapi('BillingSummary');
