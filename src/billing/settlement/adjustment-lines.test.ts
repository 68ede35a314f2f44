import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../records/invoice-line.js';
import { adjustmentLines } from './adjustment-lines.js';

const line = (
  description: string,
  quantity: string,
  unitPrice: string,
  amount: string,
  kind: InvoiceLine['kind'] = 'energy',
  unit = 'kWh',
): InvoiceLine => ({ kind, description, quantity, unit, unitPrice, amount });

const issued = [
  line('Energy HP 2026-09-01 – 2026-09-30', '500.000', '0.2081', '104.05'),
  line('Energy HC 2026-09-01 – 2026-09-30', '220.000', '0.1635', '35.97'),
  line('VAT 20 %', '140.02', '0.2', '28.00', 'tax', 'EUR'),
];

describe('adjustmentLines', () => {
  it('answers nothing when the recomputed bill equals what was billed', () => {
    expect(
      adjustmentLines(
        {
          invoiceNumber: 'INV-2026-000001',
          currency: 'EUR',
          invoiceLines: issued,
          adjustmentLines: [],
        },
        issued,
      ),
    ).toEqual({ lines: [], total: '0.00' });
  });

  it('answers one line per changed line with the differences, referencing the settled invoice', () => {
    const recomputed = [
      line('Energy HP 2026-09-01 – 2026-09-30', '488.000', '0.2081', '101.55'),
      line('Energy HC 2026-09-01 – 2026-09-30', '232.000', '0.1635', '37.93'),
      line('VAT 20 %', '139.48', '0.2', '27.90', 'tax', 'EUR'),
    ];
    const { lines, total } = adjustmentLines(
      {
        invoiceNumber: 'INV-2026-000001',
        currency: 'EUR',
        invoiceLines: issued,
        adjustmentLines: [],
      },
      recomputed,
    );
    expect(lines.map((l) => [l.description, l.quantity, l.amount, l.adjusts, l.kind])).toEqual([
      [
        'Adjustment to INV-2026-000001: Energy HP 2026-09-01 – 2026-09-30',
        '-12.000',
        '-2.50',
        'INV-2026-000001',
        'adjustment',
      ],
      [
        'Adjustment to INV-2026-000001: Energy HC 2026-09-01 – 2026-09-30',
        '12.000',
        '1.96',
        'INV-2026-000001',
        'adjustment',
      ],
      [
        'Adjustment to INV-2026-000001: VAT 20 %',
        '-0.54',
        '-0.10',
        'INV-2026-000001',
        'adjustment',
      ],
    ]);
    expect(total).toBe('-0.64');
    // Recomputing again after the adjustment is recorded changes nothing more.
    expect(
      adjustmentLines(
        {
          invoiceNumber: 'INV-2026-000001',
          currency: 'EUR',
          invoiceLines: issued,
          adjustmentLines: lines,
        },
        recomputed,
      ).lines,
    ).toEqual([]);
  });

  it('matches an extrapolated line with its measured recomputation, and credits a line that disappeared', () => {
    const forced = [
      line(
        'Energy 2026-09-01 – 2026-09-30 (end index extrapolated from the 7-day baseline)',
        '10.000',
        '0.2',
        '2.00',
      ),
      line('Export credit', '1.000', '-0.04', '-0.04', 'export_credit'),
    ];
    const measured = [line('Energy 2026-09-01 – 2026-09-30', '11.000', '0.2', '2.20')];
    const { lines, total } = adjustmentLines(
      {
        invoiceNumber: 'INV-2026-000009',
        currency: 'EUR',
        invoiceLines: forced,
        adjustmentLines: [],
      },
      measured,
    );
    expect(lines.map((l) => [l.description, l.quantity, l.amount])).toEqual([
      ['Adjustment to INV-2026-000009: Energy 2026-09-01 – 2026-09-30', '1.000', '0.20'],
      ['Adjustment to INV-2026-000009: Export credit', '-1.000', '0.04'],
    ]);
    expect(total).toBe('0.24');
  });

  it('rounds money to the currency minor digits (JPY: none)', () => {
    const jpy = [line('Energy', '10.000', '31', '310')];
    expect(
      adjustmentLines(
        {
          invoiceNumber: 'INV-2026-000002',
          currency: 'JPY',
          invoiceLines: jpy,
          adjustmentLines: [],
        },
        [line('Energy', '10.500', '31', '326')],
      ).total,
    ).toBe('16');
  });
});
