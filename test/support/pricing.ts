import { Decimal } from 'decimal.js';
import { expect } from 'vitest';
import type { Bill, PricedInterval } from '../../src/billing/pricing/bill.js';
import { verifyBill } from '../../src/billing/pricing/verify-bill.js';

/** Epoch ms of an RFC 3339 instant. */
export const t = (iso: string) => Date.parse(iso);
export const Q = 900_000;

/** One interval per quarter hour in [from, to), each `mwh` of import. */
export const constant = (from: string, to: string, mwh: bigint): PricedInterval[] =>
  Array.from({ length: (t(to) - t(from)) / Q }, (_, i) => ({
    start: t(from) + i * Q,
    importMwh: mwh,
    exportMwh: null,
  }));

/** A bill's lines as [description, quantity, unitPrice, amount], for compact expectations. */
export const brief = (bill: Bill) =>
  bill.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.amount]);

/**
 * The property every bill has: its total is the sum of its displayed lines (summed
 * here, not by the engine).
 */
export function addsUp(bill: Bill): void {
  expect(bill.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0)).eq(bill.total)).toBe(true);
  expect(verifyBill(bill)).toEqual([]);
}
