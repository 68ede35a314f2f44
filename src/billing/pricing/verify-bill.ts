import type { Bill } from './bill.js';
import { Dec, minorDigits, roundHalfUp, sum } from './decimal.js';

const isMoney = (text: string, digits: number): boolean =>
  (digits === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${digits}}$`)).test(text);

/**
 * The arithmetic a reader of `bill` can redo by hand, checked: every amount is money with the
 * currency's minor digits and equals `quantity × unitPrice` rounded half away from zero; `subtotal`
 * is the sum of the lines before the percent taxes (the lines priced in the currency itself) and
 * `total` the sum of all lines. Answers the problems found, none for a sound bill: a last check
 * before a bill becomes an invoice, which can never be edited.
 */
export function verifyBill(bill: Bill): string[] {
  const digits = minorDigits(bill.currency);
  const problems: string[] = [];
  const amounts: Dec[] = [];
  const beforePercent: Dec[] = [];
  bill.lines.forEach((line, i) => {
    if (!isMoney(line.amount, digits)) {
      problems.push(`line ${i} amount ${line.amount} is not money with ${digits} decimals`);
      return;
    }
    const amount = new Dec(line.amount);
    const expected = roundHalfUp(new Dec(line.quantity).times(line.unitPrice), digits);
    if (!expected.eq(amount))
      problems.push(
        `line ${i} (${line.description}): ${line.quantity} × ${line.unitPrice} rounds to ${expected.toFixed(digits)}, not ${line.amount}`,
      );
    amounts.push(amount);
    if (line.unit !== bill.currency) beforePercent.push(amount);
  });
  for (const [name, text, want] of [
    ['subtotal', bill.subtotal, sum(beforePercent)],
    ['total', bill.total, sum(amounts)],
  ] as const) {
    if (!isMoney(text, digits) || !new Dec(text).eq(want))
      problems.push(`${name} ${text} is not the sum of its lines (${want.toFixed(digits)})`);
  }
  return problems;
}
